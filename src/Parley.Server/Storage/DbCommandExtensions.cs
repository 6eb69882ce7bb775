using System.Data.Common;

namespace Parley.Server.Storage;

internal static class DbCommandExtensions
{
    /// <summary>Adds an @-named parameter, the one placeholder syntax both SQLite and Npgsql accept.</summary>
    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
