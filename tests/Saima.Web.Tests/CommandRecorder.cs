using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Saima.Web.Tests;

/// <summary>
/// The SQL that Entity Framework executes on one store (this test's database only), and the rows
/// each command's reader read, from its diagnostic events: no change to the application under test.
/// </summary>
internal sealed class CommandRecorder : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _store;
    private readonly ConcurrentQueue<string> _sql = new();
    private readonly ConcurrentQueue<(string Sql, int Rows)> _reads = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _all;

    public CommandRecorder(string connectionString)
    {
        _store = new DbConnectionStringBuilder { ConnectionString = connectionString }.TryGetValue("Data Source", out object? file)
            ? Convert.ToString(file, System.Globalization.CultureInfo.InvariantCulture)!
            : connectionString;
        _all = DiagnosticListener.AllListeners.Subscribe(this);
        // Entity Framework keeps whether anyone listens to its events for up to a second
        // (CoreOptionsExtension.LoggingCacheTime): commands run sooner after subscribing may go
        // unreported. Waiting it out makes the record whole.
        Thread.Sleep(LoggingCacheTime);
    }

    /// <summary>How long Entity Framework may keep "no one listens" (its default LoggingCacheTime, one second), and a margin.</summary>
    private static readonly TimeSpan LoggingCacheTime = TimeSpan.FromSeconds(1.2);

    /// <summary>The commands executed whose SQL <paramref name="which"/> accepts.</summary>
    public int Count(Func<string, bool> which) => _sql.Count(which);

    /// <summary>Every reader's command and the rows it read, in order.</summary>
    public IReadOnlyList<(string Sql, int Rows)> Reads => [.. _reads];

    /// <summary>Forgets what was recorded so far.</summary>
    public void Clear()
    {
        _sql.Clear();
        _reads.Clear();
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData data && Mine(data.Command))
        {
            _sql.Enqueue(data.Command.CommandText);
        }
        else if (value.Key == RelationalEventId.DataReaderDisposing.Name && value.Value is DataReaderDisposingEventData reader && Mine(reader.Command))
        {
            _reads.Enqueue((reader.Command.CommandText, reader.ReadCount));
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _all.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }

    private bool Mine(DbCommand command) =>
        command.Connection?.DataSource is { } source && source.Contains(Path.GetFileName(_store), StringComparison.Ordinal);
}
