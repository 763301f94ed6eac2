using Sessions.Webhooks;

namespace Sessions.Service.Webhooks;

/// <summary>The <c>Webhooks</c> configuration section: body limit, raw-log retention and the configured sources.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>Largest accepted body in bytes; larger bodies get 413 while they are still being read.</summary>
    public long MaxBodyBytes { get; set; } = 1_048_576;

    /// <summary>
    /// The most memory request bodies may hold at once, in bytes (pooled buffers, rounded up to a power of two); a
    /// request that would exceed it is answered 503 with <c>Retry-After</c>. At least <see cref="MaxBodyBytes"/>.
    /// </summary>
    public long MaxConcurrentBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long accepted bodies stay in the raw webhook log.</summary>
    public TimeSpan RawLogRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Sources by name: <c>/webhooks/{name}</c>. Secrets in them are never logged.</summary>
    public Dictionary<string, WebhookSource> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The source called <paramref name="name"/>, with its name filled in, or null.</summary>
    public WebhookSource? Find(string name)
    {
        if (!Sources.TryGetValue(name, out var source))
        {
            return null;
        }

        source.Name = name;
        return source;
    }
}
