using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Saima.Web.Features.Analysis;

/// <summary>
/// The one thread the background analysis computes on (<see cref="AnalysisJobs"/>): a task
/// scheduler of one dedicated thread, outside the thread pool that serves the requests, at the
/// operating system's lowest priority where it can be set (Linux: nice 19 for this thread alone,
/// which needs no privilege). On a busy machine the pages' threads take the cores first; the
/// analysis runs on what they leave. Its callers ask the scoring for one degree of parallelism
/// (what it takes, the rank intervals), so their loops run inline on this thread and the analysis
/// holds one core at most.
/// </summary>
public sealed class BackgroundCpu : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _tasks = [];
    private readonly Thread _thread;

    public BackgroundCpu(string name = "saima-analysis")
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name, Priority = ThreadPriority.Lowest };
        _thread.Start();
    }

    /// <summary>The nice value the thread got (19 on Linux), null where it could not be set.</summary>
    public int? Nice { get; private set; }

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Runs <paramref name="work"/> on the background thread.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancel = default) =>
        Task.Factory.StartNew(work, cancel, TaskCreationOptions.DenyChildAttach, this);

    public void Dispose()
    {
        _tasks.CompleteAdding();
        _tasks.Dispose();
    }

    protected override void QueueTask(Task task) => _tasks.Add(task);

    // Inline only on the scheduler's own thread (a parallel loop's body started from it).
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

    private void Loop()
    {
        Nice = Lower();
        try
        {
            foreach (Task task in _tasks.GetConsumingEnumerable())
            {
                TryExecuteTask(task);
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed while waiting: the application stops.
        }
    }

    /// <summary>Sets this thread's nice value to 19 on Linux (per thread there); null elsewhere or when refused.</summary>
    private static int? Lower()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            int tid = Native.gettid();
            return Native.setpriority(0 /* PRIO_PROCESS: on Linux a thread id names the thread */, tid, 19) == 0 ? 19 : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static class Native
    {
#pragma warning disable SYSLIB1054, CA5392, CA1401 // two plain int calls into the C library, nothing marshalled
        [DllImport("libc", SetLastError = true)]
        internal static extern int gettid();

        [DllImport("libc", SetLastError = true)]
        internal static extern int setpriority(int which, int who, int prio);
#pragma warning restore SYSLIB1054, CA5392, CA1401
    }
}
