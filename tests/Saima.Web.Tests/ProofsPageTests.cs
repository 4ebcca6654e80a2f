using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>
/// The office's proofs: the audit chain's state on /admin/audit and /admin/proofs (intact, then
/// the entry edited by hand named), each day's head hash, recomputing the results with a button;
/// /healthz noticing a damaged SQLite file.
/// </summary>
public sealed class ProofsPageTests
{
    [Fact]
    public async Task Proofs_NameTheResultSetTheSeedWroteByHand_AsInserted()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();

        string html = await web.Client.GetStringAsync("/admin/proofs");

        html.ShouldContain("id=\"chain-audit\" data-intact=\"true\"");
        html.ShouldContain("id=\"chain-results\" data-intact=\"false\"");
        html.ShouldContain($"id=\"chain-results-first\" data-id=\"{HandMadeSet(web).ToString(CultureInfo.InvariantCulture)}\"");
        html.ShouldContain("不在链上");
    }

    [Fact]
    public async Task Proofs_ShowIntactChains_DayHeads_AndRecomputeEveryResultSetIdentical()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();
        RemoveHandMadeSet(web);

        string html = await web.Client.GetStringAsync("/admin/proofs");

        html.ShouldContain("id=\"chain-audit\" data-intact=\"true\"");
        html.ShouldContain("id=\"chain-results\" data-intact=\"true\"");
        html.ShouldContain("操作日志哈希链");
        html.ShouldContain("id=\"day-heads\"");
        html.ShouldMatch("<code class=\"text-break\">[0-9a-f]{64}</code>");

        HttpResponseMessage posted = await web.PostFormAsync("/admin/proofs", "/admin/proofs?handler=Recompute");
        posted.StatusCode.ShouldBe(HttpStatusCode.OK);
        string result = await posted.Content.ReadAsStringAsync();
        result.ShouldContain("id=\"recompute-result\" data-differ=\"0\"");
        result.ShouldContain("与重算结果逐位一致");
        using SaimaDb db = SaimaDb.Open(web.Store);
        db.Audit.Count(a => a.Action == "verify" && a.Entity == "result_set").ShouldBe(1);
    }

    [Fact]
    public async Task AuditPage_NamesTheEntryEditedBySql_AndRecomputeNamesTheChangedResultSet()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();
        RemoveHandMadeSet(web);
        (await web.Client.GetStringAsync("/admin/audit")).ShouldContain("id=\"audit-chain\" data-intact=\"true\"");

        long entry, set;
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder(web.Store.ConnectionString) { Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT min(id) FROM audit WHERE action = 'publish'";
            entry = (long)cmd.ExecuteScalar()!;
            cmd.CommandText = $"UPDATE audit SET reason = 'edited by hand' WHERE id = {entry}";
            cmd.ExecuteNonQuery();
            cmd.CommandText = "SELECT max(id) FROM result_sets";
            set = (long)cmd.ExecuteScalar()!;
            cmd.CommandText = $"UPDATE result_rows SET rank = rank + 1 WHERE result_set_id = {set} AND rank IS NOT NULL";
            cmd.ExecuteNonQuery();
        }

        string audit = await web.Client.GetStringAsync("/admin/audit");
        audit.ShouldContain("id=\"audit-chain\" data-intact=\"false\"");
        audit.ShouldContain($"id=\"audit-chain-first\" data-id=\"{entry.ToString(CultureInfo.InvariantCulture)}\"");
        audit.ShouldContain("已被修改");

        string recomputed = await (await web.PostFormAsync("/admin/proofs", "/admin/proofs?handler=Recompute")).Content.ReadAsStringAsync();
        recomputed.ShouldContain("id=\"recompute-result\" data-differ=\"1\"");
        recomputed.ShouldContain($"data-set=\"{set.ToString(CultureInfo.InvariantCulture)}\"");
        recomputed.ShouldContain("id=\"chain-results\" data-intact=\"false\"");
    }

    [Fact]
    public async Task VerifyWhole_LeavesACheckpoint_ThePagesThenVerifyFromIt_AndStillNameAnEditAfterIt()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.AdminAsync();
        RemoveHandMadeSet(web);
        (await web.Client.GetStringAsync("/admin/proofs")).ShouldContain("整链核验：逐条核验");

        string whole = await (await web.PostFormAsync("/admin/proofs", "/admin/proofs?handler=VerifyWhole")).Content.ReadAsStringAsync();
        whole.ShouldContain("id=\"chain-audit\" data-intact=\"true\"");
        string since = await web.Client.GetStringAsync("/admin/proofs");
        since.ShouldContain("整链核验完整（至第");
        since.ShouldContain("id=\"chain-results\" data-intact=\"true\"");

        // The checkpoint moved one place back, so that the newest entry lies after it; that entry is edited by hand.
        long entry;
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder(web.Store.ConnectionString) { Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO chain_checkpoints (chain, seq, hash, verified_at) SELECT chain, seq - 1, (SELECT hash FROM audit WHERE chain_seq = seq - 1), verified_at FROM chain_checkpoints WHERE chain = 'audit'; DELETE FROM chain_checkpoints WHERE chain = 'audit' AND seq = (SELECT max(seq) FROM chain_checkpoints WHERE chain = 'audit');";
            cmd.ExecuteNonQuery();
            cmd.CommandText = "SELECT max(id) FROM audit";
            entry = (long)cmd.ExecuteScalar()!;
            cmd.CommandText = $"UPDATE audit SET reason = 'edited by hand' WHERE id = {entry}";
            cmd.ExecuteNonQuery();
        }

        string audit = await web.Client.GetStringAsync("/admin/audit");
        audit.ShouldContain("id=\"audit-chain\" data-intact=\"false\"");
        audit.ShouldContain($"id=\"audit-chain-first\" data-id=\"{entry.ToString(CultureInfo.InvariantCulture)}\"");
    }

    /// <summary>The result set LeagueData writes by hand (for an open period, to show it is never served): outside the chain.</summary>
    private static long HandMadeSet(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.ResultSets.Single(s => s.ChainSeq == null).Id;
    }

    private static void RemoveHandMadeSet(WebApp web)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder(web.Store.ConnectionString) { Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM result_rows WHERE result_set_id IN (SELECT id FROM result_sets WHERE chain_seq IS NULL); DELETE FROM warning_results WHERE result_set_id IN (SELECT id FROM result_sets WHERE chain_seq IS NULL); DELETE FROM result_sets WHERE chain_seq IS NULL;";
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task Healthz_SaysUnhealthy_WhenTheSqliteFileIsDamaged()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        string path = new SqliteConnectionStringBuilder(web.Store.ConnectionString).DataSource;
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder(web.Store.ConnectionString) { Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }

        // Garbage over the second half of the file's pages (the header and schema page stay readable).
        long length = new FileInfo(path).Length;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            f.Position = length / 2;
            byte[] junk = Enumerable.Range(0, (int)(length / 4)).Select(i => (byte)(i * 37)).ToArray();
            f.Write(junk);
        }

        SqliteConnection.ClearAllPools();
        HttpResponseMessage health = await web.Client.GetAsync("/healthz");

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }
}
