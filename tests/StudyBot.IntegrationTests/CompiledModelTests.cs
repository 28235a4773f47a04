#pragma warning disable EF1001 // The design-time services builder is what `dotnet ef dbcontext optimize` uses.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Scaffolding;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// SQLite runs on a compiled EF model (src/StudyBot.Data/CompiledModel, issue 14: building the model took a third of the
/// start). It must be exactly what the entity configurations build today: any change to the model makes this fail
/// until the compiled model is generated again.
/// </summary>
public sealed class CompiledModelTests
{
    private const string Regenerate =
        "The compiled model (src/StudyBot.Data/CompiledModel) is stale: regenerate it with "
        + "`dotnet ef dbcontext optimize --project src/StudyBot.Data --startup-project src/StudyBot.Host --output-dir CompiledModel --namespace StudyBot.Data.CompiledModel` "
        + "and delete the generated StudyBotDbContextAssemblyAttributes.cs (the compiled model is for SQLite only)";

    [Fact]
    public void The_committed_compiled_model_is_what_the_configurations_build_now()
    {
        using var db = new StudyBotDbContext(new DbContextOptionsBuilder<StudyBotDbContext>().UseSqlite("Data Source=:memory:").Options);
        var design = new DesignTimeServicesBuilder(typeof(StudyBotDbContext).Assembly, typeof(StudyBotDbContext).Assembly, new OperationReporter(null), [])
            .Build(db);
        var options = new CompiledModelCodeGenerationOptions
        {
            ContextType = typeof(StudyBotDbContext),
            ModelNamespace = "StudyBot.Data.CompiledModel",
            Language = "C#",
            UseNullableReferenceTypes = true,
        };
        var files = design.GetRequiredService<ICompiledModelCodeGeneratorSelector>().Select(options)
            .GenerateModel(db.GetService<IDesignTimeModel>().Model, options)
            .Where(f => !f.Path.EndsWith("AssemblyAttributes.cs", StringComparison.Ordinal))
            .ToList();

        var folder = Path.Combine(RepositoryRoot(), "src", "StudyBot.Data", "CompiledModel");
        var committed = Directory.GetFiles(folder, "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.True(committed.SequenceEqual(files.Select(f => f.Path).Order(StringComparer.Ordinal)), $"{Regenerate}: the files differ.");
        var stale = files.Select(f => FirstDifference(f.Path, Normalised(File.ReadAllText(Path.Combine(folder, f.Path))), Normalised(f.Code)))
            .OfType<string>().ToList();
        Assert.True(stale.Count == 0, $"{Regenerate}: {string.Join("; ", stale)}.");
    }

    [Fact]
    public async Task The_bot_on_SQLite_runs_on_the_compiled_model()
    {
        await using var bot = await TestBot.StartAsync();
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();

        Assert.IsType<StudyBot.Data.CompiledModel.StudyBotDbContextModel>(db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Model);
    }

    [Fact]
    public async Task The_SQLite_model_has_no_decimal_column_as_the_bots_connections_carry_no_decimal_functions()
    {
        // SqliteKeptConnection leaves out EF's ef_* functions, which EF's SQL uses only for decimal columns.
        await using var bot = await TestBot.StartAsync();
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var decimals = db.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
            .Where(p => Nullable.GetUnderlyingType(p.ClrType) == typeof(decimal) || p.ClrType == typeof(decimal))
            .Select(p => $"{p.DeclaringType.DisplayName()}.{p.Name}")
            .ToList();

        Assert.True(decimals.Count == 0, $"A decimal column needs EF's SQLite decimal functions, which SqliteKeptConnection leaves out: {string.Join(", ", decimals)}.");
    }

    /// <summary>Where the committed file and the one generated now first differ; null when they are the same.</summary>
    private static string? FirstDifference(string file, string committed, string now)
    {
        if (committed == now)
        {
            return null;
        }

        var a = committed.Split('\n');
        var b = now.Split('\n');
        var line = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        return $"{file} line {line + 1}: committed '{(line < a.Length ? a[line].Trim() : "(end)")}', now '{(line < b.Length ? b[line].Trim() : "(end)")}'";
    }

    /// <summary>Line ends, the byte-order mark and the model's id (a new random one at every generation) aside.</summary>
    private static string Normalised(string code) => System.Text.RegularExpressions.Regex.Replace(
        code.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF').TrimEnd(), @"modelId: new Guid\(""[0-9a-f-]+""\)", "modelId: new Guid(...)");

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "StudyBot.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("StudyBot.sln not found above " + AppContext.BaseDirectory);
    }
}
