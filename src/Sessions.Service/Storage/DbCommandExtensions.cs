using System.Data.Common;

namespace Sessions.Service.Storage;

/// <summary>Named parameters, added the same way to SQLite and PostgreSQL commands.</summary>
internal static class DbCommandExtensions
{
    /// <summary>Adds the parameter <paramref name="name"/> with <paramref name="value"/>; returned, so a loop can set it again per row.</summary>
    public static DbParameter AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
