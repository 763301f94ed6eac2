using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;
using Sessions.Canonical;
using Sessions.Grains.Storage;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>
/// Reads which entities changed from Orleans' own grain state table (deploy/sql): entity grains store under their kind's
/// grain type name with the entity key as the key string, and every write stamps ModifiedOn (indexed for this query).
/// </summary>
internal sealed class AdoNetEntityChangeLog(DbDataSource dataSource, IOptions<HostingOptions> options) : IEntityChangeLog
{
    public async Task<IReadOnlyList<string>> KeysChangedSinceAsync(EntityKind kind, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var from = since < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : since.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT GrainIdExtensionString FROM OrleansGrainState " +
            "WHERE ServiceId = @service AND GrainTypeString = @type AND ModifiedOn >= @since AND PayloadBinary IS NOT NULL";
        command.AddParameter("service", options.Value.ServiceId);
        command.AddParameter("type", kind.ToString().ToLowerInvariant());

        // SQLite keeps ModifiedOn as ISO-8601 text in UTC with milliseconds, which sorts as time does.
        command.AddParameter("since", dataSource.IsPostgres()
            ? from.UtcDateTime
            : from.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
