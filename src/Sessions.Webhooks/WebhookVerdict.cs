using Sessions.Canonical;

namespace Sessions.Webhooks;

/// <summary>What the adapters concluded about one request, before anything is stored.</summary>
public abstract record WebhookVerdict
{
    /// <summary>Genuine and well-formed: the items in body order (a batch body gives several).</summary>
    public sealed record Accepted(IReadOnlyList<WebhookItem> Items) : WebhookVerdict;

    /// <summary>Signature or token missing or wrong (HTTP 401). <paramref name="Detail"/> never contains a secret.</summary>
    public sealed record Unauthorized(string Detail) : WebhookVerdict;

    /// <summary>Genuine but not usable: not JSON, wrong shape, or a required field missing (HTTP 400); the detail names the field.</summary>
    public sealed record Invalid(string Detail) : WebhookVerdict;
}
