using Microsoft.Data.Sqlite;
using Saima.Data;

namespace Saima.Cli.Tests;

/// <summary>`saima audit verify` and `saima results verify` on the demo city (SQLite; both databases are covered in Saima.Data.Tests).</summary>
public sealed class AuditCommandTests(DemoDatabase demo) : IClassFixture<DemoDatabase>
{
    [Fact]
    public void AuditVerify_IntactStore_ExitsZero_WithEntriesAndHeadHash_ThenNamesAnEditedEntry()
    {
        using var dir = new CliTempDir();
        string db = dir["copy.db"];
        File.Copy(demo.Db, db);

        CliRun intact = CliRunner.Run("audit", "verify", "--db", db);

        intact.Exit.ShouldBe(0, intact.ToString());
        intact.Out.ShouldMatch(@"audit trail: intact, \d+ entries, head [0-9a-f]{64}");
        intact.Out.ShouldMatch(@"result sets: intact, \d+ entries, head [0-9a-f]{64}");

        long id;
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT id FROM audit WHERE action = 'publish' ORDER BY id LIMIT 1";
            id = (long)cmd.ExecuteScalar()!;
            cmd.CommandText = $"UPDATE audit SET \"user\" = 'someone.else' WHERE id = {id}";
            cmd.ExecuteNonQuery();
        }

        CliRun broken = CliRunner.Run("audit", "verify", "--db", db);

        broken.Exit.ShouldBe(1, broken.ToString());
        broken.Out.ShouldContain($"audit trail: BROKEN at entry {id} (changed)");
    }

    [Fact]
    public void ResultsVerify_DemoCity_EveryResultSetIdentical_ThenNamesAChangedOne()
    {
        using var dir = new CliTempDir();
        string db = dir["copy.db"];
        File.Copy(demo.Db, db);

        CliRun run = CliRunner.Run("results", "verify", "--db", db);

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldMatch(@"(\d+) result sets recomputed: \1 identical to the bit, 0 differ");

        long set;
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT max(id) FROM result_sets";
            set = (long)cmd.ExecuteScalar()!;
            cmd.CommandText = $"UPDATE result_rows SET score = score + 1 WHERE result_set_id = {set} AND rowid = (SELECT min(rowid) FROM result_rows WHERE result_set_id = {set} AND score IS NOT NULL)";
            cmd.ExecuteNonQuery();
        }

        CliRun changed = CliRunner.Run("results", "verify", "--db", db);

        changed.Exit.ShouldBe(1, changed.ToString());
        changed.Out.ShouldContain($"result set {set} ");
        changed.Out.ShouldContain("1 differ");
        CliRunner.Run("audit", "verify", "--db", db).Out.ShouldContain($"result sets: BROKEN at entry {set} (changed)");
    }

    [Theory]
    [InlineData("audit", "verify")]
    [InlineData("results", "verify")]
    public void Help_ExplainsWithAnExample(params string[] command)
    {
        CliRun run = CliRunner.Run([.. command, "--help"]);

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("Example");
        run.Out.ShouldContain("saima " + string.Join(' ', command));
    }
}
