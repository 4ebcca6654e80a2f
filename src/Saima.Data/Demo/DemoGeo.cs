using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Saima.Data.Demo;

/// <summary>One area of a demo map: the unit it belongs to and its ring (closed, counter-clockwise).</summary>
internal sealed record GeoArea(string Code, string Name, string NameEn, string Kind, string? Parent, string? Track, (double X, double Y)[] Ring);

/// <summary>
/// The invented map of the demo city: the twelve counties and districts as jittered
/// quadrilaterals tiling a square (districts in the middle, as a city's core is), and each one's
/// townships and streets as a grid of cells inside it. Coordinates are longitude/latitude-like
/// numbers in the square [0, 1.6] × [0, 1.2] around 0°, 0°: abstract on purpose, so that no one
/// takes the map for a real place; the web app draws it without a base map.
/// </summary>
/// <remarks>
/// Stored as GeoJSON FeatureCollections in the table <c>geo_maps</c> (schema script 0003), one row
/// per level: <c>code</c> = <c>counties</c> or <c>townships</c>. Each feature's properties:
/// <c>code</c> (the unit code in <c>units</c>), <c>name</c>, <c>name_en</c>, <c>kind</c>,
/// <c>parent</c> (the county's code for a township) and <c>track</c>.
/// </remarks>
public static class DemoGeo
{
    public const string CountiesMap = "counties";
    public const string TownshipsMap = "townships";

    private const int Columns = 4;
    private const int Rows = 3;
    private const double CellWidth = 0.4;
    private const double CellHeight = 0.4;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The GeoJSON of a map stored in the database (<see cref="CountiesMap"/> or <see cref="TownshipsMap"/>), or null.</summary>
    public static string? Read(StoreOptions store, string map)
    {
        using DbConnection connection = SchemaMigrator.OpenConnection(store);
        using DbCommand cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT geo_json FROM geo_maps WHERE code = @c";
        Bulk.FigureBulkLoader.AddParameter(cmd, "@c", map);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>The county quadrilaterals and, inside each, its townships' cells.</summary>
    internal static (List<GeoArea> Counties, List<GeoArea> Townships) Layout(
        DemoRandom rng,
        IReadOnlyList<(string Code, string Name, string NameEn, bool District)> counties,
        IReadOnlyList<(string Code, string Name, string NameEn, string Kind, string Parent)> townships)
    {
        // Vertex grid; inner vertices jitter freely, edge vertices only along the edge, so the
        // tiles still fill the square exactly and every quadrilateral stays convex.
        var v = new (double X, double Y)[Columns + 1, Rows + 1];
        for (int i = 0; i <= Columns; i++)
        {
            for (int j = 0; j <= Rows; j++)
            {
                double dx = i is > 0 and < Columns ? rng.Uniform(-0.22, 0.22) * CellWidth : 0;
                double dy = j is > 0 and < Rows ? rng.Uniform(-0.22, 0.22) * CellHeight : 0;
                v[i, j] = ((i * CellWidth) + dx, (j * CellHeight) + dy);
            }
        }

        // Districts take the middle cells, counties the ring around them.
        (int I, int J)[] order = [(1, 1), (2, 1), (1, 2), (2, 2), (1, 0), (2, 0), (0, 1), (3, 1), (0, 0), (3, 0), (0, 2), (3, 2)];
        var districts = counties.Where(c => c.District).ToList();
        var rural = counties.Where(c => !c.District).ToList();
        var placed = districts.Concat(rural).ToList();
        var countyAreas = new List<GeoArea>();
        var townshipAreas = new List<GeoArea>();
        for (int k = 0; k < placed.Count; k++)
        {
            (int i, int j) = order[k];
            var c = placed[k];
            var corners = (v[i, j], v[i + 1, j], v[i + 1, j + 1], v[i, j + 1]);
            countyAreas.Add(new GeoArea(c.Code, c.Name, c.NameEn, c.District ? "district" : "county", null,
                c.District ? DemoNames.UrbanTrack : DemoNames.CountyTrack, Ring(corners, 0, 1, 0, 1)));

            var mine = townships.Where(t => t.Parent == c.Code).ToList();
            int rows = Math.Max(1, (int)Math.Round(Math.Sqrt(mine.Count)));
            int at = 0;
            for (int r = 0; r < rows; r++)
            {
                int inRow = (mine.Count / rows) + (r < mine.Count % rows ? 1 : 0);
                for (int q = 0; q < inRow; q++, at++)
                {
                    var t = mine[at];
                    townshipAreas.Add(new GeoArea(t.Code, t.Name, t.NameEn, t.Kind, c.Code,
                        c.District ? DemoNames.UrbanTrack : DemoNames.CountyTrack,
                        Ring(corners, (double)q / inRow, (double)(q + 1) / inRow, (double)r / rows, (double)(r + 1) / rows)));
                }
            }
        }

        return (countyAreas, townshipAreas);
    }

    /// <summary>A cell [u0, u1] × [v0, v1] of the bilinear patch on four corners (lines of constant u or v are straight).</summary>
    private static (double X, double Y)[] Ring(((double X, double Y) A, (double X, double Y) B, (double X, double Y) C, (double X, double Y) D) q, double u0, double u1, double v0, double v1)
    {
        (double, double) P(double u, double w) => (
            ((1 - u) * (1 - w) * q.A.X) + (u * (1 - w) * q.B.X) + (u * w * q.C.X) + ((1 - u) * w * q.D.X),
            ((1 - u) * (1 - w) * q.A.Y) + (u * (1 - w) * q.B.Y) + (u * w * q.C.Y) + ((1 - u) * w * q.D.Y));
        return [P(u0, v0), P(u1, v0), P(u1, v1), P(u0, v1), P(u0, v0)];
    }

    internal static string ToGeoJson(string name, IEnumerable<GeoArea> areas)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteString("name", name);
            w.WriteStartArray("features");
            foreach (GeoArea a in areas)
            {
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteString("id", a.Code);
                w.WriteStartObject("properties");
                w.WriteString("code", a.Code);
                w.WriteString("name", a.Name);
                w.WriteString("name_en", a.NameEn);
                w.WriteString("kind", a.Kind);
                if (a.Parent is null)
                {
                    w.WriteNull("parent");
                }
                else
                {
                    w.WriteString("parent", a.Parent);
                }

                w.WriteString("track", a.Track);
                w.WriteEndObject();
                w.WriteStartObject("geometry");
                w.WriteString("type", "Polygon");
                w.WriteStartArray("coordinates");
                w.WriteStartArray();
                foreach ((double x, double y) in a.Ring)
                {
                    w.WriteStartArray();
                    w.WriteRawValue(Math.Round(x, 6).ToString("R", CultureInfo.InvariantCulture));
                    w.WriteRawValue(Math.Round(y, 6).ToString("R", CultureInfo.InvariantCulture));
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
