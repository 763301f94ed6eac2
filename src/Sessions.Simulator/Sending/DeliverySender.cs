using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Sessions.Simulator.Traffic;

namespace Sessions.Simulator.Sending;

/// <summary>
/// Delivers one planned webhook as a provider would: POST the exact bytes and headers; a 2xx is acknowledged, a 4xx is
/// rejected (a provider would retry it, but here it means simulator and service disagree), and a 5xx or a transport
/// failure is retried with doubling backoff up to the configured number of times.
/// </summary>
internal sealed class DeliverySender(HttpClient http, Uri baseUrl, SimulatorOptions options, DeliveryTally tally)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task SendAsync(PlannedDelivery delivery, CancellationToken stopping)
    {
        tally.Sending(delivery);
        for (var attempt = 0; ; attempt++)
        {
            var answer = await AttemptAsync(delivery.Event);
            var outcome = new DeliveryAttempt(delivery, attempt, answer.Status, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(answer.Milliseconds), null);
            if (outcome.Acknowledged)
            {
                options.Attempted?.Invoke(outcome);
                tally.Acknowledged(delivery, answer.Milliseconds, onRetry: attempt > 0);
                return;
            }

            var problem = Describe(delivery.Event, answer);
            options.Attempted?.Invoke(outcome with { Detail = problem.Detail });
            tally.NotAcknowledged(problem);
            if (answer.Status is >= 400 and < 500)
            {
                tally.Rejected(problem);
                return;
            }

            if (attempt >= options.MaxRetries || stopping.IsCancellationRequested)
            {
                tally.Failed(problem);
                return;
            }

            tally.Retrying();
            try
            {
                await Task.Delay(Backoff(attempt), stopping);
            }
            catch (OperationCanceledException)
            {
                tally.Failed(problem);
                return;
            }
        }
    }

    private async Task<Answer> AttemptAsync(ProviderEvent evt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Target(evt)) { Content = new ReadOnlyMemoryContent(evt.Body) };
        request.Content.Headers.ContentType = Json;
        foreach (var (name, value) in evt.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = new CancellationTokenSource(options.RequestTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return new Answer((int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, text);
        }
        catch (HttpRequestException e)
        {
            return new Answer(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new Answer(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                string.Create(CultureInfo.InvariantCulture, $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s"));
        }
    }

    private Uri Target(ProviderEvent evt)
    {
        var path = "webhooks/" + Uri.EscapeDataString(evt.Source);
        return new Uri(baseUrl, evt.Token is null ? path : $"{path}?token={Uri.EscapeDataString(evt.Token)}");
    }

    /// <summary>Doubling from <see cref="SimulatorOptions.RetryDelay"/>, capped, with ±20 % jitter so retries do not march in step.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var delay = Math.Min(options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt), MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    /// <summary>Status, source, event type and the problem's <c>detail</c> (or the transport error).</summary>
    private static Problem Describe(ProviderEvent evt, Answer answer)
    {
        var detail = answer.Text;
        if (answer.Status > 0)
        {
            try
            {
                using var problem = JsonDocument.Parse(answer.Text);
                if (problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("detail", out var value))
                {
                    detail = value.ToString();
                }
            }
            catch (JsonException)
            {
                // Not a problem document: the raw text is the detail.
            }
        }

        var status = answer.Status > 0 ? answer.Status.ToString(CultureInfo.InvariantCulture) : "transport";
        return new Problem(status, evt.Source, evt.Type, detail.Length > 200 ? detail[..200] : detail);
    }

    private readonly record struct Answer(int Status, double Milliseconds, string Text);
}
