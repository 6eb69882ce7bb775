using System.Data.Common;

namespace Parley.Server.Storage;

internal static class DbCommandExtensions
{
    /// <summary>A command on the connection, enlisted in the transaction when there is one.</summary>
    public static DbCommand CreateCommand(this DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>The first column of the first row as a number (COUNT, MAX and the like).</summary>
    public static async Task<long> ExecuteInt64Async(this DbCommand command, CancellationToken cancellationToken) =>
        Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adds an @-named parameter, the one placeholder syntax both SQLite and Npgsql accept.</summary>
    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
