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

    [Fact]
    public void ResultsCompute_PublishedPeriod_StoresANewSetWithTheSameNumbers_RecordsIt_AndRefusesAnOpenPeriod()
    {
        using var dir = new CliTempDir();
        string db = dir["copy.db"];
        File.Copy(demo.Db, db);
        string scheme, published, open;
        long before;
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT s.code, p.code FROM periods p JOIN schemes s ON s.id = p.scheme_id WHERE p.status = {(int)PeriodStatus.Published} ORDER BY s.code, p.code DESC LIMIT 1";
            using (SqliteDataReader r = cmd.ExecuteReader())
            {
                r.Read().ShouldBeTrue();
                (scheme, published) = (r.GetString(0), r.GetString(1));
            }

            cmd.CommandText = $"SELECT p.code FROM periods p JOIN schemes s ON s.id = p.scheme_id WHERE s.code = '{scheme}' AND p.status = {(int)PeriodStatus.Open} LIMIT 1";
            open = (string)cmd.ExecuteScalar()!;
            cmd.CommandText = $"SELECT max(r.id) FROM result_sets r JOIN schemes s ON s.id = r.scheme_id WHERE s.code = '{scheme}' AND r.period = '{published}'";
            before = (long)cmd.ExecuteScalar()!;
        }

        CliRun run = CliRunner.Run("results", "compute", "--db", db, "--scheme", scheme, "--period", published, "--phases");

        run.Exit.ShouldBe(0, run.ToString());
        System.Text.RegularExpressions.Match scored = System.Text.RegularExpressions.Regex.Match(run.Out, $@"period {published} of scheme {scheme} scored as result set (\d+)");
        scored.Success.ShouldBeTrue(run.ToString());
        long set = long.Parse(scored.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        set.ShouldBeGreaterThan(before);
        run.Out.ShouldMatch(@"phases: total [0-9.]+; .*inputs\.figures [0-9.]+, .*rows\.copy [0-9.]+, .*traces [0-9.]+");
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            const string Rows = "SELECT unit_id, node, value, score, rank, track_rank, rank_change FROM result_rows WHERE result_set_id = ";
            cmd.CommandText = $"SELECT count(*) FROM result_rows WHERE result_set_id = {set}";
            ((long)cmd.ExecuteScalar()!).ShouldBeGreaterThan(0);
            cmd.CommandText = $"SELECT count(*) FROM ({Rows}{set} EXCEPT {Rows}{before}) UNION ALL SELECT count(*) FROM ({Rows}{before} EXCEPT {Rows}{set})";
            using (SqliteDataReader r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    r.GetInt64(0).ShouldBe(0, "the rerun's rows are the published set's");
                }
            }

            cmd.CommandText = $"SELECT count(*) FROM audit WHERE action = 'compute' AND entity = 'result_set' AND entity_key = '{set}' AND \"user\" = 'office'";
            ((long)cmd.ExecuteScalar()!).ShouldBe(1);
        }

        CliRunner.Run("results", "verify", "--db", db).Exit.ShouldBe(0);
        CliRun refused = CliRunner.Run("results", "compute", "--db", db, "--scheme", scheme, "--period", open);
        refused.Exit.ShouldNotBe(0);
        refused.Err.ShouldContain($"period {open} of scheme '{scheme}' is not published");
        CliRun unknown = CliRunner.Run("results", "compute", "--db", db, "--scheme", "NO-SUCH", "--period", published);
        unknown.Exit.ShouldNotBe(0);
        unknown.Err.ShouldContain("scheme 'NO-SUCH' does not exist");
    }

    [Theory]
    [InlineData("audit", "verify")]
    [InlineData("results", "verify")]
    [InlineData("results", "compute")]
    public void Help_ExplainsWithAnExample(params string[] command)
    {
        CliRun run = CliRunner.Run([.. command, "--help"]);

        run.Exit.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("Example");
        run.Out.ShouldContain("saima " + string.Join(' ', command));
    }
}
