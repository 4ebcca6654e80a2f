using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// The phases of a publication record their seconds, and on Linux the most memory the process held
/// in each: a phase that fills 256 MB shows at least half of it more than the phase before (other tests run beside it), the phase after it starts again from what is held.
/// </summary>
public sealed class PublishPhasesTests
{
    [Fact]
    public void Laps_InOrder_WithTheirSeconds()
    {
        var phases = new PublishPhases();
        phases.Lap("first");
        phases.Lap("second");
        Assert.Equal(["first", "second"], phases.Laps.Select(l => l.Phase));
        Assert.All(phases.Laps, l => Assert.True(l.Seconds >= 0));
        Assert.StartsWith("first ", phases.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Peaks_OnLinux_ShowThePhaseThatFilledMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Empty(new PublishPhases().Peaks);
            return;
        }

        var phases = new PublishPhases();
        phases.Lap("quiet");
        const int Size = 256 << 20;
        byte[] big = GC.AllocateUninitializedArray<byte>(Size);
        for (int i = 0; i < big.Length; i += 4096)
        {
            big[i] = 1;
        }

        phases.Lap("filling");
        GC.KeepAlive(big);
        Assert.Equal(["quiet", "filling"], phases.Peaks.Select(p => p.Phase));
        Assert.True(phases.Peaks[1].PeakBytes >= phases.Peaks[0].PeakBytes + (Size / 2), phases.PeaksLine());
        Assert.Matches(@"^quiet \d+, filling \d+$", phases.PeaksLine());
    }
}
