using Microsoft.Extensions.Caching.Memory;
using Saima.Web.Features.Analysis;
using Saima.Web.Features.Shared;

namespace Saima.Web.Tests;

/// <summary>
/// What keeps the pages answering at 1,000 units under 50 connections: a page's view read once
/// however many ask for it at once, and the background analysis on one low-priority thread that
/// waits for a quiet moment.
/// </summary>
public sealed class PagesUnderLoadTests
{
    private sealed record View(int Read);

    [Fact]
    public async Task KeptView_AskedByFiftyAtOnce_IsReadOnce_AndEveryoneGetsIt()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 100 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int reads = 0;
        async Task<View?> Read()
        {
            int n = Interlocked.Increment(ref reads);
            await gate.Task;
            return new View(n);
        }

        var asks = Enumerable.Range(0, 50).Select(_ => Task.Run(() => Published.KeptAsync(cache, ("matrix", 42L), Read))).ToList();
        while (Volatile.Read(ref reads) == 0)
        {
            await Task.Delay(10);
        }

        await Task.Delay(100); // the other 49 arrive while the first reads
        gate.SetResult();
        View?[] views = await Task.WhenAll(asks);

        reads.ShouldBe(1);
        views.ShouldAllBe(v => v != null && v.Read == 1);
        (await Published.KeptAsync(cache, ("matrix", 42L), Read))!.Read.ShouldBe(1, "kept afterwards");
        // A new stamp is a new key: read again (a publication shows at once).
        (await Published.KeptAsync(cache, ("matrix", 43L), Read))!.Read.ShouldBe(2);
        Published.ReadingCount.ShouldBe(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KeptViews_OverTheMemoryBudget_AreDropped_AfterAFullCollection(bool overBudget)
    {
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1_000 });
        // Nothing survives a collection in a budget of none; everything fits in one of all the memory there is.
        CacheMemory.Set(cache, overBudget ? 0 : long.MaxValue);
        for (int i = 0; i < 100; i++)
        {
            await Published.KeptAsync(cache, ("unit", (long)i), () => Task.FromResult<View?>(new View(i)));
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        await Published.KeptAsync(cache, ("unit", 100L), () => Task.FromResult<View?>(new View(100)));

        if (overBudget)
        {
            cache.Count.ShouldBeLessThan(101, "a quarter of the views dropped once the collection showed the heap over the budget");
            // Still answered: a dropped view is read again.
            (await Published.KeptAsync(cache, ("unit", 0L), () => Task.FromResult<View?>(new View(-1))))!.Read.ShouldBeOneOf(0, -1);
        }
        else
        {
            cache.Count.ShouldBe(101);
        }
    }

    [Fact]
    public async Task KeptView_WhoseReaderWentAway_IsReadByTheOneWaiting()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 100 });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gone = new CancellationTokenSource();
        Task<View?> first = Published.KeptAsync<View>(cache, ("unit", 7L), async () =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, gone.Token);
            return null;
        });
        await started.Task;
        int second = 0;
        Task<View?> waiting = Published.KeptAsync(cache, ("unit", 7L), () => Task.FromResult<View?>(new View(Interlocked.Increment(ref second) + 100)));
        await Task.Delay(50);
        waiting.IsCompleted.ShouldBeFalse("it waits for the read under way");

        await gone.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(first);
        (await waiting)!.Read.ShouldBe(101);
        second.ShouldBe(1);
    }

    [Fact]
    public async Task KeptView_ThatFailsToRead_FailsForTheWaitersToo_AndIsNotKept()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 100 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<View?> first = Published.KeptAsync<View>(cache, ("league", 1L), async () =>
        {
            await gate.Task;
            throw new InvalidOperationException("the store went away");
        });
        Task<View?> waiting = Published.KeptAsync<View>(cache, ("league", 1L), () => Task.FromResult<View?>(new View(2)));
        gate.SetResult();

        (await Should.ThrowAsync<InvalidOperationException>(first)).Message.ShouldBe("the store went away");
        await Should.ThrowAsync<InvalidOperationException>(waiting);
        (await Published.KeptAsync(cache, ("league", 1L), () => Task.FromResult<View?>(new View(3))))!.Read.ShouldBe(3);
    }

    [Fact]
    public async Task BackgroundCpu_ComputesOnOneThread_AtTheLowestPriority()
    {
        using var cpu = new BackgroundCpu("saima-analysis-test");
        (string? Name, int[] Threads) seen = await cpu.RunAsync(() =>
        {
            var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, byte>();
            // As the background's searches and rank intervals ask: one degree of parallelism.
            Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 1, TaskScheduler = TaskScheduler.Current }, _ =>
            {
                threads.TryAdd(Environment.CurrentManagedThreadId, 0);
                Thread.SpinWait(2000);
            });
            return (Thread.CurrentThread.Name, threads.Keys.ToArray());
        });

        seen.Name.ShouldBe("saima-analysis-test");
        seen.Threads.Length.ShouldBe(1, "one core at most");
        if (OperatingSystem.IsLinux())
        {
            cpu.Nice.ShouldBe(19);
            int tid = await cpu.RunAsync(ThreadId);
            // Field 19 of /proc/self/task/TID/stat is the nice value (after the command in parentheses).
            string stat = File.ReadAllText($"/proc/self/task/{tid}/stat");
            stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16].ShouldBe("19");
        }
    }

    [Fact]
    public async Task RequestsInFlight_IsQuietOnlyAfterTheLastRequestEnded()
    {
        var inFlight = new RequestsInFlight(TimeProvider.System);
        inFlight.IsQuiet(TimeSpan.Zero).ShouldBeTrue("nothing asked yet");

        inFlight.Enter();
        inFlight.Count.ShouldBe(1);
        inFlight.IsQuiet(TimeSpan.Zero).ShouldBeFalse();
        (await inFlight.WaitQuietAsync(TimeSpan.Zero, TimeSpan.FromMilliseconds(150), CancellationToken.None)).ShouldBeFalse("gives up after at most");

        Task<bool> waiting = inFlight.WaitQuietAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), CancellationToken.None);
        await Task.Delay(100);
        waiting.IsCompleted.ShouldBeFalse();
        inFlight.Leave();
        inFlight.IsQuiet(TimeSpan.FromSeconds(10)).ShouldBeFalse("a request ended just now");
        (await waiting).ShouldBeTrue();
        inFlight.Count.ShouldBe(0);
    }

    [Fact]
    public async Task RequestsInFlight_CountsPages_NotEventStreams()
    {
        await using var web = await WebApp.StartAsync();
        var inFlight = (RequestsInFlight)web.Services.GetService(typeof(RequestsInFlight))!;
        inFlight.Count.ShouldBe(0);
        (await web.Client.GetAsync("/login")).EnsureSuccessStatusCode();
        inFlight.Count.ShouldBe(0, "counted in, and out again");
        inFlight.IsQuiet(TimeSpan.FromSeconds(30)).ShouldBeFalse("a request just ended");
    }

#pragma warning disable SYSLIB1054, CA5392 // the test reads the thread's id as the scheduler sets its priority
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid")]
    private static extern int ThreadId();
#pragma warning restore SYSLIB1054, CA5392
}
