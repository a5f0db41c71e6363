using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Kefu.UnitTests.Complaints.Reports;

/// <summary>Reads a rendered PDF back with poppler-utils (pdftotext, pdfinfo).</summary>
internal static class PdfText
{
    /// <summary>The text of each page (pdftotext -layout separates pages with a form feed).</summary>
    public static IReadOnlyList<string> Pages(byte[] pdf)
    {
        var text = WithTempFile(pdf, path => Run("pdftotext", "-layout", "-enc", "UTF-8", path, "-"));
        return text.TrimEnd('\f', '\n').Split('\f');
    }

    public static string Text(byte[] pdf) => string.Join('\f', Pages(pdf));

    public static int PageCount(byte[] pdf)
    {
        var info = WithTempFile(pdf, path => Run("pdfinfo", path));
        var line = info.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal));
        return int.Parse(line["Pages:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>NFKC (pdftotext may return compatibility forms) without any whitespace, for comparing text.</summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string WithTempFile(byte[] pdf, Func<string, string> read)
    {
        var path = Path.Combine(Path.GetTempPath(), $"casereport-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            return read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not finish in 30 s");
        }

        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {errors.Result}");
        return output;
    }
}
