namespace Sessions.Grains.Notifications;

/// <summary>What one attempt got: the receiver's status code (none when it never answered), how long it took, why it failed, its <c>Retry-After</c>.</summary>
public sealed record SendResult(int? StatusCode, TimeSpan Duration, string? Error, TimeSpan? RetryAfter)
{
    /// <summary>Any 2xx.</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300;

    /// <summary>410: the receiver says this subscription is gone.</summary>
    public bool Gone => StatusCode == 410;
}

/// <summary>Sends one delivery to its subscription's URL, signed (Standard Webhooks); never throws for what the receiver does.</summary>
public interface IWebhookSender
{
    Task<SendResult> SendAsync(Subscription subscription, Delivery delivery, CancellationToken cancellationToken);
}
