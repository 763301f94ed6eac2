using System.Data.Common;
using Sessions.Service.Storage;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>Statements on an open connection, values bound as <c>$1</c>, <c>$2</c>, … (as the service binds them).</summary>
internal static class DbConnectionCommands
{
    /// <summary>Every row <paramref name="sql"/> returns, its columns joined by spaces.</summary>
    public static async Task<List<string>> RowsAsync(this DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(string.Join(' ', Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue)));
        }

        return rows;
    }

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
