using System.IO.Compression;
using System.Text;

namespace Saima.Data.Tests.Intake;

/// <summary>
/// Builds .xlsx files by hand, part by part, the way an attacker would: the sheet's XML is written
/// straight into the ZIP entry, so a file of ten million rows costs a few megabytes.
/// </summary>
internal static class HostileXlsx
{
    /// <summary>A workbook of one sheet named "data" whose sheetData children <paramref name="rows"/> writes.</summary>
    public static byte[] Build(Action<TextWriter> rows, CompressionLevel level = CompressionLevel.Optimal)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Part(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""");
            Part(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            Part(zip, "xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            Part(zip, "xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""");
            ZipArchiveEntry sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", level);
            using var writer = new StreamWriter(sheet.Open(), new UTF8Encoding(false), 1 << 16);
            writer.Write("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
            rows(writer);
            writer.Write("</sheetData></worksheet>");
        }

        return output.ToArray();
    }

    /// <summary>The header row of an upload (unit, indicator, period, value) as inline strings.</summary>
    public static void Header(TextWriter w) =>
        w.Write("""<row r="1"><c r="A1" t="inlineStr"><is><t>单位代码</t></is></c><c r="B1" t="inlineStr"><is><t>指标代码</t></is></c><c r="C1" t="inlineStr"><is><t>期间</t></is></c><c r="D1" t="inlineStr"><is><t>填报值</t></is></c></row>""");

    private static void Part(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(text);
    }
}
