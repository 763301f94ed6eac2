using Microsoft.Extensions.Logging;
using Sessions.Abstractions.Entities;
using Sessions.Webhooks.Events;

namespace Sessions.Grains.Entities;

/// <summary>
/// The part every entity grain shares: delegate to the pure fold, persist only when something changed,
/// and on a failed write drop the activation so the next call reloads what storage really holds.
/// </summary>
public abstract partial class EntityGrain(
    EntityKind kind,
    IPersistentState<EntityLogState> state,
    ILogger logger) : Grain, IEntityGrain
{
    public async Task<TransitionOutcome> ApplyAsync(CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var outcome = EntityLog.Apply(state.State, evt);
        if (outcome is not TransitionOutcome.Applied)
        {
            return outcome;
        }

        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Memory is now ahead of storage; reloading on the next call is the only honest state.
            LogWriteFailed(logger, ex, kind, this.GetPrimaryKeyString());
            DeactivateOnIdle();
            throw;
        }

        return outcome;
    }

    public Task<EntitySnapshot?> GetAsync()
    {
        if (!state.RecordExists || state.State.FirstEventAt is not { } first || state.State.LastEventAt is not { } last)
        {
            return Task.FromResult<EntitySnapshot?>(null);
        }

        var (provider, id) = EntityKey.Split(this.GetPrimaryKeyString());
        return Task.FromResult<EntitySnapshot?>(
            new EntitySnapshot(kind, provider, id, first, last, [.. state.State.Timeline]));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} {Key}: state write failed; deactivating so the next call reloads")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, EntityKind kind, string key);
}
