namespace Sessions.Service.Webhooks;

/// <summary>Reads a request body into memory without ever holding more than the limit.</summary>
internal static class BoundedBody
{
    /// <summary>The body, or null as soon as it is known to be larger than <paramref name="limit"/> bytes.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var capacity = (int)Math.Min(request.ContentLength ?? 16 * 1024, limit);
        var buffer = new byte[Math.Max(capacity, 256)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length >= limit)
                {
                    // Full at the limit: one more byte means too large. (Typed, so a null never converts to an empty body.)
                    var probe = new byte[1];
                    return await request.Body.ReadAsync(probe, cancellationToken) == 0 ? buffer.AsMemory() : (ReadOnlyMemory<byte>?)null;
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return buffer.AsMemory(0, length);
            }

            length += read;
        }
    }
}
