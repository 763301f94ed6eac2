using Sessions.Testing.Postgres;

// One throwaway PostgreSQL per test run; tests isolate themselves with a database each.
[assembly: AssemblyFixture(typeof(PostgresServer))]
