using Microsoft.Extensions.Configuration;
using Npgsql;
using Sessions.Service.Hosting;

namespace Sessions.Service.Tests;

public sealed class PostgresConnectionDefaultsTests
{
    [Fact]
    public void APlainConnectionStringGetsPreparedStatementsAndNoResetOnClose()
    {
        var builder = new NpgsqlConnectionStringBuilder(StorageOptions.WithPostgresDefaults("Host=db;Database=sessions;Username=sessions"));

        Assert.Equal(64, builder.MaxAutoPrepare);
        Assert.True(builder.NoResetOnClose);
        Assert.Equal("db", builder.Host);
        Assert.Equal("sessions", builder.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;NORESETONCLOSE=false")]
    public void ValuesTheOperatorSetAreKept(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(StorageOptions.WithPostgresDefaults(connectionString));

        Assert.Equal(0, builder.MaxAutoPrepare);
        Assert.False(builder.NoResetOnClose);
    }

    [Fact]
    public void PostgresModeAppliesTheDefaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "postgres",
            ["Storage:ConnectionString"] = "Host=db;Database=sessions;Username=sessions",
        }).Build();

        var builder = new NpgsqlConnectionStringBuilder(HostingOptions.Read(configuration).Storage.EffectiveConnectionString);

        Assert.Equal(64, builder.MaxAutoPrepare);
        Assert.True(builder.NoResetOnClose);
    }
}
