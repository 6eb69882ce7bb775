using Npgsql;
using Parley.Server.Storage;

namespace Parley.Server.Tests.Storage;

public sealed class PostgresProviderTests
{
    [Theory]
    [InlineData("Host=db;Database=parley", 64, true)]
    [InlineData("Host=db;Database=parley;Max Auto Prepare=0;No Reset On Close=false", 0, false)]
    [InlineData("Host=db;Database=parley;maxautoprepare=5", 5, true)]
    public async Task Statements_are_prepared_and_sessions_not_reset_unless_the_connection_string_says_otherwise(string connectionString, int maxAutoPrepare, bool noReset)
    {
        await using var provider = new PostgresProvider(connectionString);
        var settings = new NpgsqlConnectionStringBuilder(provider.CreateConnection().ConnectionString);
        Assert.Equal((maxAutoPrepare, noReset), (settings.MaxAutoPrepare, settings.NoResetOnClose));
    }
}
