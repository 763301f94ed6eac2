using System.Data.Common;
using Sessions.Service.Storage;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>One statement on an open connection, its values bound as <c>$1</c>, <c>$2</c>, … (as the service binds them).</summary>
internal static class DbConnectionCommands
{
    public static async Task ExecuteAsync(this DbConnection connection, string sql, params object[] values)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            command.AddParameter($"${i + 1}", values[i]);
        }

        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
