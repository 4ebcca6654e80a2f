namespace Saima.Scoring.Tests.Analysis;

public class PeersTests
{
    [Fact]
    public void Peers_WorkedExample_ZScoreDistances()
    {
        // Units a..e; x: 1 2 3 4 10, y: 5 5 6 7 7. Population sd over all five (every unit has both).
        double[] x = [1, 2, 3, 4, 10], y = [5, 5, 6, 7, 7];
        double mx = 4, sx = Math.Sqrt((9 + 4 + 1 + 0 + 36) / 5.0);
        double my = 6, sy = Math.Sqrt((1 + 1 + 0 + 1 + 1) / 5.0);
        double D(int u, int v) => Math.Sqrt(Math.Pow(((x[u] - mx) / sx) - ((x[v] - mx) / sx), 2) + Math.Pow(((y[u] - my) / sy) - ((y[v] - my) / sy), 2));

        IReadOnlyList<Peer> peers = NearestPeers.Find([x, y], 1, 3);
        var expected = new[] { 0, 2, 3, 4 }.Select(v => new Peer(v, D(1, v))).OrderBy(p => p.Distance).Take(3).ToList();
        peers.Select(p => p.Unit).ShouldBe(expected.Select(p => p.Unit));
        for (int k = 0; k < 3; k++)
        {
            peers[k].Distance.ShouldBe(expected[k].Distance, 1e-12 * expected[k].Distance);
        }
    }

    [Fact]
    public void Peers_ConstantIndicator_IsLeftOut_AndTiesGoByCode()
    {
        // y has sd 0; on x, units 0 and 2 are both at distance |±1|/sd from unit 1.
        double[] x = [1, 2, 3], y = [4, 4, 4];
        IReadOnlyList<Peer> peers = NearestPeers.Find([x, y], 1, 5);
        peers.Select(p => p.Unit).ShouldBe([0, 2]);
        double sd = Math.Sqrt(2.0 / 3);
        peers[0].Distance.ShouldBe(1 / sd, 1e-12);
        peers[1].Distance.ShouldBe(peers[0].Distance);
    }

    [Fact]
    public void Peers_UnitLackingAValue_IsNotACandidateNorInTheStatistics()
    {
        double[] x = [1, 2, double.NaN, 4];
        IReadOnlyList<Peer> peers = NearestPeers.Find([x], 0, 5);
        peers.Select(p => p.Unit).ShouldBe([1, 3]);

        // Mean 7/3 and population sd over units 0, 1 and 3 only.
        double mean = 7.0 / 3, sd = Math.Sqrt((Math.Pow(1 - mean, 2) + Math.Pow(2 - mean, 2) + Math.Pow(4 - mean, 2)) / 3);
        peers[0].Distance.ShouldBe(1 / sd, 1e-12);
        Should.Throw<ArgumentException>(() => NearestPeers.Find([x], 2, 5));
    }
}
