using System.Buffers;
using Microsoft.Extensions.Options;

namespace Sessions.Service.Webhooks;

/// <summary>
/// How much memory request bodies may hold at once (<c>Webhooks:MaxConcurrentBodyBytes</c>): each body reserves the
/// size of its pooled buffer while it is read and until it is returned; past the budget the request is 503.
/// </summary>
public sealed class BodyMemoryBudget(IOptionsMonitor<WebhookOptions> options)
{
    private long _held;

    /// <summary>Bytes the bodies being handled hold now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Takes <paramref name="bytes"/> from the budget, or returns false (taking nothing) when that would exceed it.</summary>
    public bool TryReserve(long bytes)
    {
        var limit = options.CurrentValue.MaxConcurrentBodyBytes;
        while (true)
        {
            var held = Interlocked.Read(ref _held);
            if (held + bytes > limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _held, held + bytes, held) == held)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _held, -bytes);
}

/// <summary>
/// A request body in a buffer rented from the shared pool and counted against the <see cref="BodyMemoryBudget"/>.
/// Its owner, the request, disposes it only once nothing reads <see cref="Memory"/> any more: after the raw log has
/// committed it (or failed to), never while a writer may still hold the bytes.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private readonly BodyMemoryBudget _budget;
    private byte[]? _buffer;
    private int _length;
    private bool _abandoned;

    internal PooledBody(BodyMemoryBudget budget) => _budget = budget;

    /// <summary>The body's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

    internal int Capacity => _buffer?.Length ?? 0;

    internal Memory<byte> Free => _buffer.AsMemory(_length);

    internal void Advance(int count) => _length += count;

    /// <summary>Grows the buffer to at least <paramref name="capacity"/> bytes, or returns false when the budget has no room.</summary>
    internal bool TryGrow(int capacity)
    {
        var next = ArrayPool<byte>.Shared.Rent(capacity);
        if (!_budget.TryReserve(next.Length))
        {
            ArrayPool<byte>.Shared.Return(next);
            return false;
        }

        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _length).CopyTo(next);
            Return();
        }

        _buffer = next;
        return true;
    }

    /// <summary>
    /// A write that failed may still hold the bytes: on dispose the budget is released, but the buffer is left to the
    /// garbage collector instead of going back to the pool, where another request would overwrite it.
    /// </summary>
    public void Abandon() => _abandoned = true;

    public void Dispose()
    {
        if (_buffer is not null)
        {
            Return();
            _buffer = null;
        }
    }

    private void Return()
    {
        _budget.Release(_buffer!.Length);
        if (!_abandoned)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}

/// <summary>Reads a request body into a pooled buffer without ever holding more than the limit.</summary>
internal static class BoundedBody
{
    /// <summary>What reading came to: the body, or why there is none.</summary>
    public enum Outcome
    {
        Read,
        TooLarge,
        OverBudget,
    }

    /// <summary>
    /// The body (the caller disposes it), or <see cref="Outcome.TooLarge"/> as soon as it is known to be larger than
    /// <paramref name="limit"/> bytes, whatever the framing, or <see cref="Outcome.OverBudget"/> when the bodies in
    /// flight already hold the memory budget.
    /// </summary>
    public static async Task<(Outcome Outcome, PooledBody? Body)> ReadAsync(
        HttpRequest request, long limit, BodyMemoryBudget budget, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (Outcome.TooLarge, null);
        }

        var body = new PooledBody(budget);
        try
        {
            if (!body.TryGrow((int)Math.Max(Math.Min(request.ContentLength ?? 16 * 1024, limit), 256)))
            {
                body.Dispose();
                return (Outcome.OverBudget, null);
            }

            var length = 0L;
            while (true)
            {
                if (length >= limit)
                {
                    // Full at the limit: one more byte means too large.
                    var probe = new byte[1];
                    if (await request.Body.ReadAsync(probe, cancellationToken) == 0)
                    {
                        return (Outcome.Read, body);
                    }

                    body.Dispose();
                    return (Outcome.TooLarge, null);
                }

                if (body.Free.IsEmpty && !body.TryGrow((int)Math.Min((long)body.Capacity * 2, limit)))
                {
                    body.Dispose();
                    return (Outcome.OverBudget, null);
                }

                // The pool rounds sizes up; never read past the limit into the spare room.
                var free = body.Free;
                var read = await request.Body.ReadAsync(free[..(int)Math.Min(free.Length, limit - length)], cancellationToken);
                if (read == 0)
                {
                    return (Outcome.Read, body);
                }

                body.Advance(read);
                length += read;
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }
}
