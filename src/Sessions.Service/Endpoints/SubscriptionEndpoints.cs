using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sessions.Canonical;
using Sessions.Grains.Notifications;
using Sessions.Service.Notifications;
using Sessions.Service.Queries;

namespace Sessions.Service.Endpoints;

/// <summary>
/// What <c>POST</c> and <c>PATCH /api/subscriptions</c> take. On create, <c>name</c>, <c>url</c> and <c>category</c>
/// are required; on PATCH every field left out keeps its value.
/// </summary>
public sealed record SubscriptionRequest(
    string? Name,
    string? Url,
    string? Category,
    IReadOnlyList<string>? Events,
    bool? Batch,
    bool? Disabled,
    IReadOnlyList<string>? Providers);

/// <summary>
/// A subscription as the API shows it. <c>secret</c> (<c>whsec_…</c>) is only in the answers of create and
/// rotate-secret; <c>lastSuccessAt</c>, <c>failingSince</c>, <c>disabled</c> and <c>disabledReason</c> are its health.
/// </summary>
public sealed record SubscriptionView(
    string Id,
    string Name,
    string Url,
    string Category,
    IReadOnlyList<string> Events,
    IReadOnlyList<string>? Providers,
    bool Batch,
    bool Disabled,
    string? DisabledReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? FailingSince,
    DateTimeOffset? PreviousSecretExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret)
{
    public static SubscriptionView Of(Subscription s, DateTimeOffset now, bool withSecret = false)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.Name, s.Url, s.Category, s.Events, s.Providers, s.Batch, s.Disabled, s.DisabledReason, s.CreatedAt,
            s.LastSuccessAt, s.FailingSince, s.PreviousSecretUntil > now ? s.PreviousSecretUntil : null, withSecret ? s.Secret : null);
    }
}

/// <summary>One delivery as the API shows it: the events it carries, where it stands, and every attempt.</summary>
public sealed record DeliveryView(
    string Id,
    IReadOnlyList<string> EventIds,
    DeliveryStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    IReadOnlyList<DeliveryAttempt> Attempts)
{
    public static DeliveryView Of(Delivery d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Id, d.EventIds, d.Status, d.CreatedAt, d.NextAttemptAt, d.Attempts);
    }
}

/// <summary>What <c>POST /api/subscriptions/{id}/replay</c> takes: re-send every matching change since this moment (ISO-8601).</summary>
public sealed record ReplayRequest(DateTimeOffset? Since);

/// <summary>What a replay queued.</summary>
public sealed record ReplayResult(int Events, int Deliveries);

/// <summary><c>/api/subscriptions</c>: outbound notifications, signed and retried (README "Notifications").</summary>
public static class SubscriptionEndpoints
{
    private const int DefaultLimit = 50;

    /// <summary>The most changes one replay re-sends.</summary>
    public const int MaxReplay = 10_000;

    public static IEndpointRouteBuilder MapSubscriptionEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/subscriptions").WithTags("Notifications");
        group.MapGet("/event-types", () => TypedResults.Ok(EventTypes.ByCategory)).WithName("ListEventTypes")
            .WithSummary("The event types per category; ping (the test endpoint's event) goes to every subscription.");
        group.MapPost("", CreateAsync).WithName("CreateSubscription")
            .WithSummary("Creates a subscription; the answer holds its secret (whsec_…), shown only here and on rotation.")
            .WithDescription("name, url (absolute http or https) and category (server, session, recording, livestream, client) are required; "
                + "events: types of the category (GET /api/subscriptions/event-types), none or absent for all; providers: absent for all. "
                + "A URL on a loopback, private, link-local or multicast address is refused unless Notifications:AllowPrivateTargets. "
                + "400 names the field.");
        group.MapGet("", ListAsync).WithName("ListSubscriptions").WithSummary("Every subscription with its health (never a secret).");
        group.MapGet("/{id}", GetAsync).WithName("GetSubscription");
        group.MapPatch("/{id}", UpdateAsync).WithName("UpdateSubscription")
            .WithSummary("Changes the fields given; re-enabling clears disabledReason. 400 names the field, 404 when unknown.");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteSubscription").WithSummary("Removes the subscription and its deliveries.");
        group.MapPost("/{id}/rotate-secret", RotateSecretAsync).WithName("RotateSubscriptionSecret")
            .WithSummary("A new secret, shown in the answer; the old one keeps signing beside it (a second v1, entry) for 24 hours.");
        group.MapPost("/{id}/test", TestAsync).WithName("TestSubscription")
            .WithSummary("Sends a ping event now (202 with its delivery; follow it in the delivery log).");
        group.MapGet("/{id}/deliveries", ListDeliveriesAsync).WithName("ListDeliveries")
            .WithSummary("Deliveries, newest first, with their attempts.")
            .WithDescription("status: pending, succeeded or failed. limit: 1 to 500, default 50. cursor: nextCursor of the previous page. " +
                "Succeeded and failed deliveries are kept for Notifications:DeliveryRetention (default 7 days) from their creation; pending ones until they finish.");
        group.MapPost("/{id}/deliveries/{deliveryId}/retry", RetryAsync).WithName("RetryDelivery")
            .WithSummary("Tries a delivery again now (a failed one gets one more attempt, in its entity's order).");
        group.MapPost("/{id}/replay", ReplayAsync).WithName("ReplaySubscription")
            .WithSummary($"Re-sends every matching change since a moment ({{\"since\": ISO-8601}}), at most {MaxReplay}, as new deliveries.")
            .WithDescription("Changes are kept for replays for Notifications:DeliveryRetention (default 7 days) once every subscription has read them.");
        return api;
    }

    public static async Task<Results<Created<SubscriptionView>, ValidationProblem>> CreateAsync(
        SubscriptionRequest request, INotificationStore store, DispatcherWakes wakes, IOptions<NotificationOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(wakes);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var subscription = new Subscription(
            $"sub_{Guid.CreateVersion7(now):N}", request.Name?.Trim() ?? "", request.Url ?? "", request.Category ?? "",
            request.Events ?? [], request.Providers, request.Batch ?? false, request.Disabled ?? false, null,
            WebhookSender.NewSecret(), null, null, now);
        if (await ProblemsAsync(subscription, options.Value, cancellationToken) is { } problems)
        {
            return problems;
        }

        await store.SaveSubscriptionAsync(subscription);
        wakes.Remember(subscription);
        wakes.Wake(subscription.Id);
        return TypedResults.Created($"/api/subscriptions/{subscription.Id}", SubscriptionView.Of(subscription, now, withSecret: true));
    }

    public static async Task<Ok<IReadOnlyList<SubscriptionView>>> ListAsync(INotificationStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return TypedResults.Ok<IReadOnlyList<SubscriptionView>>([.. (await store.ListSubscriptionsAsync(cancellationToken)).Select(s => SubscriptionView.Of(s, now))]);
    }

    public static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> GetAsync(
        string id, INotificationStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        return await store.GetSubscriptionAsync(id, cancellationToken) is { } s ? TypedResults.Ok(SubscriptionView.Of(s, time.GetUtcNow())) : NotFound(id);
    }

    public static async Task<Results<Ok<SubscriptionView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, SubscriptionRequest request, INotificationStore store, DispatcherWakes wakes, IOptions<NotificationOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(wakes);
        ArgumentNullException.ThrowIfNull(time);
        if (await store.GetSubscriptionAsync(id, cancellationToken) is not { } current)
        {
            return NotFound(id);
        }

        var enabled = current.Disabled && request.Disabled == false;
        var updated = current with
        {
            Name = request.Name?.Trim() ?? current.Name,
            Url = request.Url ?? current.Url,
            Category = request.Category ?? current.Category,

            // A new category drops the old one's events unless new ones are given.
            Events = request.Events ?? (request.Category is null || request.Category == current.Category ? current.Events : []),
            Providers = request.Providers ?? current.Providers,
            Batch = request.Batch ?? current.Batch,
            Disabled = request.Disabled ?? current.Disabled,
            DisabledReason = enabled || request.Disabled == true ? null : current.DisabledReason,
        };
        if (await ProblemsAsync(updated, options.Value, cancellationToken) is { } problems)
        {
            return problems;
        }

        await store.SaveSubscriptionAsync(updated);
        wakes.Remember(updated);
        wakes.Wake(id);
        return TypedResults.Ok(SubscriptionView.Of(updated, time.GetUtcNow()));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, INotificationStore store, DispatcherWakes wakes)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(wakes);
        if (!await store.DeleteSubscriptionAsync(id))
        {
            return NotFound(id);
        }

        wakes.Forget(id);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> RotateSecretAsync(
        string id, INotificationStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        if (await store.GetSubscriptionAsync(id, cancellationToken) is not { } current)
        {
            return NotFound(id);
        }

        var now = time.GetUtcNow();
        var rotated = current with
        {
            Secret = WebhookSender.NewSecret(),
            PreviousSecret = current.Secret,
            PreviousSecretUntil = now + Subscription.RotationOverlap,
        };
        await store.SaveSubscriptionAsync(rotated);
        return TypedResults.Ok(SubscriptionView.Of(rotated, now, withSecret: true));
    }

    public static async Task<Results<Accepted<DeliveryView>, ProblemHttpResult>> TestAsync(
        string id, INotificationStore store, DispatcherWakes wakes, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(wakes);
        ArgumentNullException.ThrowIfNull(time);
        if (await store.GetSubscriptionAsync(id, cancellationToken) is not { } subscription)
        {
            return NotFound(id);
        }

        var ping = Deliveries.Ping(subscription, time.GetUtcNow());
        await store.AddDeliveriesAsync(id, ping.Shard, cursor: null, [ping]);
        wakes.Wake(id, ping.Shard);
        return TypedResults.Accepted($"/api/subscriptions/{id}/deliveries", DeliveryView.Of(ping));
    }

    public static async Task<Results<Ok<Page<DeliveryView>>, ProblemHttpResult>> ListDeliveriesAsync(
        string id, string? status, int? limit, string? cursor, INotificationStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        DeliveryStatus? wanted = null;
        if (status is not null)
        {
            if (!StatusWords.TryParse<DeliveryStatus>(status, out var parsed))
            {
                return EntityQueries.BadRequest($"status '{status}' is not one of: {string.Join(", ", StatusWords.All<DeliveryStatus>())}.");
            }

            wanted = parsed;
        }

        if (limit is < 1 or > EntityQueries.MaxLimit)
        {
            return EntityQueries.BadRequest($"limit must be between 1 and {EntityQueries.MaxLimit}.");
        }

        long? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                return EntityQueries.BadRequest($"cursor '{cursor}' is not one this API gave (nextCursor of a page).");
            }

            before = seq;
        }

        if (await store.GetSubscriptionAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var size = limit ?? DefaultLimit;
        var deliveries = await store.ListDeliveriesAsync(id, wanted, before, size, cancellationToken);
        var next = deliveries.Count == size ? deliveries[^1].Seq.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new Page<DeliveryView>([.. deliveries.Select(DeliveryView.Of)], next));
    }

    public static async Task<Results<Accepted<DeliveryView>, ProblemHttpResult>> RetryAsync(
        string id, string deliveryId, INotificationStore store, DispatcherWakes wakes, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(wakes);
        ArgumentNullException.ThrowIfNull(time);
        if (await store.GetDeliveryAsync(id, deliveryId, cancellationToken) is not { } delivery)
        {
            return EntityQueries.NotFound($"No delivery '{deliveryId}' of subscription '{id}'.");
        }

        var again = delivery with { Status = DeliveryStatus.Pending, NextAttemptAt = time.GetUtcNow() };
        await store.UpdateDeliveryAsync(again);
        wakes.Wake(id, delivery.Shard);
        return TypedResults.Accepted($"/api/subscriptions/{id}/deliveries", DeliveryView.Of(again));
    }

    public static async Task<Results<Accepted<ReplayResult>, ValidationProblem, ProblemHttpResult>> ReplayAsync(
        string id, ReplayRequest request, INotificationStore store, DispatcherWakes wakes, IOptions<NotificationOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(wakes);
        ArgumentNullException.ThrowIfNull(time);
        if (request.Since is not { } since)
        {
            return Invalid("since", "since is required: the moment (ISO-8601, for example 2026-01-01T00:00:00Z) to re-send changes from.");
        }

        if (await store.GetSubscriptionAsync(id, cancellationToken) is not { } subscription)
        {
            return NotFound(id);
        }

        var now = time.GetUtcNow();
        var rows = (await store.ReadOutboxSinceAsync(since, MaxReplay, cancellationToken)).Where(r => subscription.Matches(r.Entry)).ToList();
        var deliveries = 0;
        foreach (var shard in rows.GroupBy(r => r.Entry.Shard))
        {
            var queued = Deliveries.For(subscription, shard.Key, shard, options.Value.MaxBatch, now, recordRows: false);
            await store.AddDeliveriesAsync(id, shard.Key, cursor: null, queued);
            deliveries += queued.Count;
            wakes.Wake(id, shard.Key);
        }

        return TypedResults.Accepted($"/api/subscriptions/{id}/deliveries", new ReplayResult(rows.Count, deliveries));
    }

    /// <summary>The first thing wrong with <paramref name="s"/>, as a 400 naming its field; null when it may be stored.</summary>
    private static async Task<ValidationProblem?> ProblemsAsync(Subscription s, NotificationOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 200)
        {
            return Invalid("name", "name is required (at most 200 characters).");
        }

        if (!Uri.TryCreate(s.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return Invalid("url", $"url '{s.Url}' is not an absolute http or https URL.");
        }

        if (!EventTypes.ByCategory.TryGetValue(s.Category, out var types))
        {
            return Invalid("category", $"category '{s.Category}' is not one of: {string.Join(", ", EventTypes.ByCategory.Keys.Order(StringComparer.Ordinal))}.");
        }

        if (s.Events.FirstOrDefault(e => !types.Contains(e)) is { } unknown)
        {
            return Invalid("events", $"event type '{unknown}' is not one of category {s.Category}: {string.Join(", ", types)}.");
        }

        if (s.Providers is { } providers && providers.Any(string.IsNullOrWhiteSpace))
        {
            return Invalid("providers", "providers must be provider names (liveswitch, dyte, …); leave it out for all.");
        }

        if (!options.AllowPrivateTargets && await NotificationTargets.RefusalAsync(url, cancellationToken) is { } refusal)
        {
            return Invalid("url", $"url '{s.Url}' is refused: {refusal}.");
        }

        return null;
    }

    private static ValidationProblem Invalid(string field, string detail) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [detail] }, detail: detail, title: "Invalid subscription");

    private static ProblemHttpResult NotFound(string id) => EntityQueries.NotFound($"No subscription '{id}'.");
}
