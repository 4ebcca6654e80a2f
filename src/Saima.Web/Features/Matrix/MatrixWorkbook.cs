using System.Globalization;
using Saima.Data.Intake;
using Microsoft.Extensions.Localization;
using static Saima.Web.Features.Shared.SheetWriter;
using Saima.Web.Features.Shared;
using Saima.Web.Features.League;

namespace Saima.Web.Features.Matrix;

/// <summary>
/// The matrix as an .xlsx workbook: a title row (scheme, period, track, scores or values), the
/// dimensions over the indicators as on the page, then one row per unit in the page's order with
/// what its cells show (scores or values) as numbers, rounded as shown. The rows come in batches
/// read from the store (<see cref="MatrixModel.ExportBatch"/> units at a time) and are written to
/// the compressed workbook as they come: the whole matrix is never held as cells.
/// </summary>
internal static class MatrixWorkbook
{
    public static async Task<byte[]> WriteAsync(MatrixModel matrix, IAsyncEnumerable<MatrixRow> units, IStringLocalizer<Texts> texts,
        IStringLocalizer<MatrixTexts> m, CancellationToken cancel)
    {
        bool tracks = matrix.Tracks.Count > 0;
        string title = LeagueWorkbook.Title(
            matrix.Scheme is null ? null : Published.Name(matrix.Scheme.Name, matrix.Scheme.NameEn, matrix.English),
            matrix.Period, matrix.Track is null ? null : matrix.TrackName(matrix.Track),
            matrix.ShowValue ? m["Matrix_ShowValue"] : m["Matrix_ShowScore"], texts);
        var fixedHeader = new List<string> { texts["Xlsx_Rank"], texts["Xlsx_UnitCode"], texts["Xlsx_Unit"] };
        if (tracks)
        {
            fixedHeader.Add(texts["Xlsx_Track"]);
        }

        fixedHeader.Add(texts["Xlsx_Total"]);
        var dimensions = fixedHeader.Select(_ => Text(null)).ToList();
        foreach (MatrixGroup g in matrix.Groups)
        {
            dimensions.AddRange(g.Indicators.Select((_, k) => Text(k == 0 ? g.Name : null)));
        }

        var header = new List<IEnumerable<XCell>>
        {
            new[] { Text(title) },
            dimensions,
            fixedHeader.Select(Text).Concat(matrix.Groups.SelectMany(g => g.Indicators).Select(i => Text(i.Name))),
        };
        return await SheetWriter.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{matrix.Period} matrix"), header, Rows(), cancel);

        async IAsyncEnumerable<IEnumerable<XCell>> Rows()
        {
            await foreach (MatrixRow r in units.WithCancellation(cancel))
            {
                var cells = new List<XCell> { Number(r.Rank), Text(r.Code), Text(r.Name) };
                if (tracks)
                {
                    cells.Add(Text(matrix.TrackName(r.Track)));
                }

                cells.Add(Number(r.Total));
                cells.AddRange(r.Cells.Select(c => Number(matrix.ShowValue ? c.Value : c.Score)));
                yield return cells;
            }
        }
    }
}
