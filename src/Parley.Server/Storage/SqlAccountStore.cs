using System.Data.Common;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Storage;

/// <summary>
/// <see cref="IAccountStore"/> over <see cref="SqlDatabase"/>: table accounts keyed by the prepared
/// bare JID, and account_credentials with one row per SCRAM hash.
/// </summary>
internal sealed class SqlAccountStore(SqlDatabase database, TimeProvider time) : IAccountStore
{
    public async Task<bool> CreateAsync(Jid account, IReadOnlyList<ScramCredential> credentials, CancellationToken cancellationToken = default)
    {
        var key = Key(account);
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.CreateCommand(transaction, "INSERT INTO accounts (jid, domain, created_at) VALUES (@jid, @domain, @created_at) ON CONFLICT (jid) DO NOTHING"))
        {
            insert.AddParameter("@jid", key);
            insert.AddParameter("@domain", account.Domain);
            insert.AddParameter("@created_at", time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        await InsertCredentialsAsync(connection, transaction, key, credentials, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> SetCredentialsAsync(Jid account, IReadOnlyList<ScramCredential> credentials, CancellationToken cancellationToken = default)
    {
        var key = Key(account);
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Two concurrent replacements would both delete, then both insert the same keys.
        await database.Provider.LockAccountAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        if (!await ExistsAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await DeleteCredentialsAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        await InsertCredentialsAsync(connection, transaction, key, credentials, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> DeleteAsync(Jid account, CancellationToken cancellationToken = default)
    {
        var key = Key(account);
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Deleted explicitly rather than through ON DELETE CASCADE so the result does not depend
        // on the engine enforcing foreign keys.
        await DeleteCredentialsAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        await using var delete = connection.CreateCommand(transaction, "DELETE FROM accounts WHERE jid = @jid");
        delete.AddParameter("@jid", key);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public async Task<bool> ExistsAsync(Jid account, CancellationToken cancellationToken = default)
    {
        var key = Key(account);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExistsAsync(connection, null, key, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Jid>> ListAsync(string? domain, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, domain is null
            ? "SELECT jid FROM accounts ORDER BY jid"
            : "SELECT jid FROM accounts WHERE domain = @domain ORDER BY jid");
        if (domain is not null)
        {
            command.AddParameter("@domain", domain);
        }

        var accounts = new List<Jid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            accounts.Add(Jid.Parse(reader.GetString(0)));
        }

        return accounts;
    }

    public async Task<ScramCredential?> FindCredentialAsync(Jid account, ScramHash hash, CancellationToken cancellationToken = default)
    {
        var key = Key(account);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "SELECT salt, iterations, stored_key, server_key FROM account_credentials WHERE jid = @jid AND hash = @hash");
        command.AddParameter("@jid", key);
        command.AddParameter("@hash", HashName(hash));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ScramCredential(hash, (byte[])reader.GetValue(0), reader.GetInt32(1), (byte[])reader.GetValue(2), (byte[])reader.GetValue(3));
    }

    /// <summary>The row key: the prepared bare JID, so every spelling that prepares alike finds one account.</summary>
    private static string Key(Jid account)
    {
        if (account.Local is null)
        {
            throw new ArgumentException("An account JID needs a localpart.", nameof(account));
        }

        return account.Bare.ToString();
    }

    /// <summary>Stable names stored in the hash column; the enum's numeric values are not a storage format.</summary>
    private static string HashName(ScramHash hash) => hash switch
    {
        ScramHash.Sha1 => "SHA-1",
        ScramHash.Sha256 => "SHA-256",
        _ => throw new ArgumentOutOfRangeException(nameof(hash)),
    };

    private static async Task<bool> ExistsAsync(DbConnection connection, DbTransaction? transaction, string key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "SELECT 1 FROM accounts WHERE jid = @jid");
        command.AddParameter("@jid", key);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static async Task DeleteCredentialsAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "DELETE FROM account_credentials WHERE jid = @jid");
        command.AddParameter("@jid", key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertCredentialsAsync(DbConnection connection, DbTransaction transaction, string key, IReadOnlyList<ScramCredential> credentials, CancellationToken cancellationToken)
    {
        foreach (var credential in credentials)
        {
            await using var command = connection.CreateCommand(transaction, "INSERT INTO account_credentials (jid, hash, salt, iterations, stored_key, server_key) VALUES (@jid, @hash, @salt, @iterations, @stored_key, @server_key)");
            command.AddParameter("@jid", key);
            command.AddParameter("@hash", HashName(credential.Hash));
            command.AddParameter("@salt", credential.Salt);
            command.AddParameter("@iterations", credential.Iterations);
            command.AddParameter("@stored_key", credential.StoredKey);
            command.AddParameter("@server_key", credential.ServerKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
