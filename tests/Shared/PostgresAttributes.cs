using System.Reflection;
using Xunit.Sdk;

namespace StudyBot.Testing;

/// <summary>A fact that needs PostgreSQL: skipped with the install line where it is missing (unless it is required).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = Postgres.SkipReason!;
}

/// <summary>A theory that needs PostgreSQL in every case.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute() => Skip = Postgres.SkipReason!;
}

/// <summary>
/// One case of a theory that runs on PostgreSQL (beside an <c>[InlineData]</c> for SQLite): skipped alone where
/// PostgreSQL is missing, so the SQLite case still runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class PostgresDataAttribute : DataAttribute
{
    private readonly object?[] _data;

    public PostgresDataAttribute(params object?[] data)
    {
        _data = data;
        Skip = Postgres.SkipReason!;
    }

    public override IEnumerable<object?[]> GetData(MethodInfo testMethod) => [_data];
}
