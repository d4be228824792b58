using Npgsql;

namespace Cairn.Storage.Tests;

public sealed class BackendStoreUriTests
{
    [Theory]
    [InlineData("postgresql://alice:p%40ss%3Aword@db.example:6543/cairn?sslmode=require", "db.example", 6543, "cairn", "alice", "p@ss:word", SslMode.Require)]
    [InlineData("postgresql+psycopg2://bob@localhost/mlflow", "localhost", 5432, "mlflow", "bob", null, SslMode.Prefer)]
    [InlineData("postgresql://carol:x@[::1]:5433/db?sslmode=verify-full&application_name=cairn", "::1", 5433, "db", "carol", "x", SslMode.VerifyFull)]
    public void PostgresUris_BecomeNpgsqlConnectionStrings(string uri, string host, int port, string database, string user, string? password, SslMode ssl)
    {
        var parsed = BackendStoreUri.Parse(uri, "/");
        Assert.Equal(BackendStoreUri.Postgres, parsed.Provider);
        var builder = new NpgsqlConnectionStringBuilder(parsed.Location);
        Assert.Equal((host, port, database, user, password, ssl), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password, builder.SslMode));
    }

    [Theory]
    [InlineData("postgresql://u:secret@host:5432/", "names no database")]
    [InlineData("postgresql://u:secret@host:99999/db", "port '99999'")]
    [InlineData("postgresql://u:secret@host/db?sslmode=sometimes", "sslmode=sometimes")]
    [InlineData("postgresql://u:secret@host/db?frobnicate=1", "option 'frobnicate' is not supported")]
    [InlineData("mysql://u:secret@host/db", "Unsupported backend store URI")]
    public void BadUris_AreRefusedWithoutShowingThePassword(string uri, string expected)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => BackendStoreUri.Parse(uri, "/"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SqliteUris_AreRelativeOrAbsolutePaths()
    {
        Assert.Equal(new BackendStoreUri(BackendStoreUri.Sqlite, "/work/data/cairn.db"), BackendStoreUri.Parse("sqlite:///data/cairn.db", "/work"));
        Assert.Equal(new BackendStoreUri(BackendStoreUri.Sqlite, "/abs/cairn.db"), BackendStoreUri.Parse("sqlite:////abs/cairn.db", "/work"));
    }
}
