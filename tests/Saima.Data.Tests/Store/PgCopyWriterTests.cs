using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// The hand-written binary COPY (result rows and warnings on PostgreSQL) stores what it is given,
/// to the bit, read back by PostgreSQL itself; and a COPY left unfinished by an exception stores
/// nothing and leaves the connection usable.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class PgCopyWriterTests(Stores stores)
{
    private const string Create = "CREATE TEMP TABLE copy_probe (n integer NOT NULL, big bigint, small integer, real_value double precision, label text)";
    private const string Copy = "COPY copy_probe (n, big, small, real_value, label) FROM STDIN (FORMAT BINARY)";

    private static readonly double?[] Doubles =
    [
        0.0, -0.0, 1.0 / 3.0, -123456.789, double.Epsilon, double.MaxValue, double.MinValue, 1e-300, double.PositiveInfinity, double.NegativeInfinity, null,
    ];

    [Fact]
    public void RowsWritten_ReadBackToTheBit_WithNullsAndTextsLongerThanTheBuffer()
    {
        using SaimaDb db = SaimaDb.Open(stores.NewMigrated(StoreProvider.Postgres));
        var pg = (NpgsqlConnection)db.Database.GetDbConnection();
        pg.Open();
        Execute(pg, Create);

        // Over the writer's 64 KB buffer several times: texts of every size, one bigger than the buffer.
        var labels = new List<string?> { null, string.Empty, "总分", "IND-001", new string('赛', 30_000), "a\tb\nc" };
        var expected = new List<(int N, long? Big, int? Small, double? Real, string? Label)>();
        using (var copy = new PgCopyWriter(pg, Copy))
        {
            for (int n = 0; n < 5_000; n++)
            {
                long? big = n % 7 == 0 ? null : (n * 1_000_003L) - long.MaxValue / 3;
                int? small = n % 5 == 0 ? null : n % 2 == 0 ? int.MinValue + n : int.MaxValue - n;
                double? real = Doubles[n % Doubles.Length];
                string? label = labels[n % labels.Count];
                copy.StartRow(5);
                copy.Int32(n);
                if (big is { } b)
                {
                    copy.Int64(b);
                }
                else
                {
                    copy.Null();
                }

                copy.Int32(small);
                copy.Double(real);
                if (n % 3 == 0 && label is not null)
                {
                    copy.Text(System.Text.Encoding.UTF8.GetBytes(label));
                }
                else
                {
                    copy.Text(label);
                }

                expected.Add((n, big, small, real, label));
            }

            copy.Complete();
        }

        using var read = new NpgsqlCommand("SELECT n, big, small, real_value, label FROM copy_probe ORDER BY n", pg);
        using NpgsqlDataReader r = read.ExecuteReader();
        int i = 0;
        while (r.Read())
        {
            var e = expected[i++];
            r.GetInt32(0).ShouldBe(e.N);
            (r.IsDBNull(1) ? (long?)null : r.GetInt64(1)).ShouldBe(e.Big);
            (r.IsDBNull(2) ? (int?)null : r.GetInt32(2)).ShouldBe(e.Small);
            long? bits = r.IsDBNull(3) ? null : BitConverter.DoubleToInt64Bits(r.GetDouble(3));
            bits.ShouldBe(e.Real is { } d ? BitConverter.DoubleToInt64Bits(d) : null, string.Create(CultureInfo.InvariantCulture, $"row {e.N}"));
            (r.IsDBNull(4) ? null : r.GetString(4)).ShouldBe(e.Label);
        }

        i.ShouldBe(expected.Count);
    }

    [Fact]
    public void ACopyLeftUnfinished_StoresNothing_AndTheConnectionGoesOn()
    {
        using SaimaDb db = SaimaDb.Open(stores.NewMigrated(StoreProvider.Postgres));
        var pg = (NpgsqlConnection)db.Database.GetDbConnection();
        pg.Open();
        Execute(pg, Create);
        Should.Throw<InvalidOperationException>(() =>
        {
            using var copy = new PgCopyWriter(pg, Copy);
            for (int n = 0; n < 20_000; n++)
            {
                copy.StartRow(5);
                copy.Int32(n);
                copy.Int64(n);
                copy.Int32(n);
                copy.Double(n);
                copy.Text("row");
                if (n == 15_000)
                {
                    throw new InvalidOperationException("the source failed half-way");
                }
            }

            copy.Complete();
        });

        using var count = new NpgsqlCommand("SELECT count(*) FROM copy_probe", pg);
        Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture).ShouldBe(0);
    }

    private static void Execute(NpgsqlConnection pg, string sql)
    {
        using var command = new NpgsqlCommand(sql, pg);
        command.ExecuteNonQuery();
    }
}
