using Microsoft.Extensions.Options;
using Sessions.Grains.Notifications;

namespace Sessions.Service.Notifications;

/// <summary>Checks <c>Notifications:*</c> at start-up; each failure names its key and what it may be.</summary>
internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!NotificationOptions.TryParseSchedule(options.RetrySchedule, out _))
        {
            failures.Add($"Notifications:RetrySchedule is '{options.RetrySchedule}': give comma-separated positive waits with a unit of s, m, h or d, for example 5s,5m,30m.");
        }

        Positive(failures, "DisableAfter", options.DisableAfter);
        Positive(failures, "Timeout", options.Timeout);
        Positive(failures, "PollInterval", options.PollInterval);
        Positive(failures, "DeliveryRetention", options.DeliveryRetention);
        if (options.MaxBatch is < 1 or > 1000)
        {
            failures.Add($"Notifications:MaxBatch is {options.MaxBatch}: it must be between 1 and 1000.");
        }

        if (options.MaxConcurrentSends is < 1 or > 100)
        {
            failures.Add($"Notifications:MaxConcurrentSends is {options.MaxConcurrentSends}: it must be between 1 and 100.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"Notifications:{key} is {value}: it must be a positive time span, for example 00:00:15.");
        }
    }
}
