using Ganss.Xss;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// The boundary for markup typed by users (knowledge-base articles, bulletins). Kefu renders these bodies as encoded
/// text, so HTML in them never runs today; they are still cleaned when stored, so that no stored body carries a
/// script, an event handler or a <c>javascript:</c> link into a future renderer, an export or an e-mail.
/// Text without anything tag-like is left exactly as typed (markdown, "金额 &lt; 100" and the like).
/// </summary>
public static class RichText
{
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>The text with dangerous markup removed; null stays null.</summary>
    public static string? Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text) || !LooksLikeMarkup(text))
        {
            return text;
        }

        lock (Sanitizer)
        {
            return Sanitizer.Sanitize(text);
        }
    }

    /// <summary>A '&lt;' followed by a letter, '/', '!' or '?' (a tag, a closing tag, a comment or a declaration).</summary>
    public static bool LooksLikeMarkup(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = text.IndexOf('<', StringComparison.Ordinal); i >= 0 && i < text.Length - 1; i = text.IndexOf('<', i + 1))
        {
            var next = text[i + 1];
            if (char.IsAsciiLetter(next) || next is '/' or '!' or '?')
            {
                return true;
            }
        }

        return false;
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedTags.Remove("form");
        sanitizer.AllowedTags.Remove("input");
        sanitizer.AllowedTags.Remove("button");
        sanitizer.AllowedTags.Remove("textarea");
        sanitizer.AllowedTags.Remove("select");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedCssProperties.Clear();
        return sanitizer;
    }
}
