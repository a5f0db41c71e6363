// TEMPORARY placeholder until the real detector lands (same API).
namespace Kefu.Web.Features.Privacy;

public enum PiiKind { NationalId, BankCard, Password }

public sealed record PiiMatch(PiiKind Kind, int Start, int Length);

public static class PiiDetector
{
    public static IReadOnlyList<PiiMatch> Find(string? text) => [];
    public static bool ContainsPii(string? text) => Find(text).Count > 0;
    public static string Mask(string? text) => text ?? "";
    public static string RuleName(PiiKind kind) => kind.ToString();
}
