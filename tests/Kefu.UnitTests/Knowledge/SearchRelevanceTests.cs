using System.Globalization;
using System.Text;
using Kefu.Web.Features.Knowledge;
using Kefu.Web.Features.Quality;
using Xunit;
using Xunit.Abstractions;

namespace Kefu.UnitTests.Knowledge;

/// <summary>
/// Relevance of the knowledge-base search on the labelled query set (Knowledge/queries.tsv) over the demo articles,
/// against a naive baseline (SQL LIKE '%query%' on title or body). The figures are in docs/QUALITY.md.
/// </summary>
public sealed class SearchRelevanceTests(ITestOutputHelper output)
{
    /// <summary>Mean reciprocal rank the search must reach: the right article first for most queries, second for the rest.</summary>
    private const double MrrTarget = 0.8;

    /// <summary>Share of the relevant articles found in the top 5 (what the desktop's suggestion panel shows).</summary>
    private const double RecallAt5Target = 0.85;

    /// <summary>Precision@3 relative to the best possible (most queries have one or two relevant articles, so raw P@3
    /// cannot exceed their count / 3).</summary>
    private const double RelativePrecisionAt3Target = 0.75;

    [Fact]
    public void LabelledQueries_NameOnlyDemoArticles_AndAreAtLeastThirty()
    {
        var keys = KnowledgeDemoArticles.All.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        var queries = LabelledQuery.Load();
        Assert.True(queries.Count >= 30, $"only {queries.Count} queries");
        Assert.Contains(queries, q => q.Traditional);
        var unknown = queries.SelectMany(q => q.Relevant).Where(k => !keys.Contains(k)).ToList();
        Assert.True(unknown.Count == 0, "unknown keys: " + string.Join(", ", unknown));
        Assert.Equal(keys.Count, KnowledgeDemoArticles.All.Count);
    }

    [Fact]
    public void Search_OnTheLabelledQueries_ReachesTheTargets_AndBeatsTheLikeBaseline()
    {
        Assert.True(ChineseText.TraditionalConversionAvailable, ChineseText.TraditionalConversionProblem);
        var queries = LabelledQuery.Load();
        var ids = KnowledgeDemoArticles.All.ToDictionary(a => Guid.NewGuid(), a => a);
        using var index = KnowledgeIndex.Build(ids.Select(e =>
            new IndexedArticle(e.Key, Guid.NewGuid(), 1, e.Value.Title, e.Value.Body, e.Value.Tags, null, e.Value.Category, Published: true)));

        var search = Score(queries, q => index.Search(q, includeDrafts: false, top: 10).Select(h => ids[h.ArticleId].Key).ToList());
        var like = Score(queries, q => KnowledgeDemoArticles.All
            .Where(a => a.Title.Contains(q, StringComparison.OrdinalIgnoreCase) || a.Body.Contains(q, StringComparison.OrdinalIgnoreCase))
            .OrderBy(a => a.Title, StringComparer.Ordinal).Select(a => a.Key).ToList());
        var traditional = Score(queries.Where(q => q.Traditional).ToList(), q => index.Search(q, false, top: 10).Select(h => ids[h.ArticleId].Key).ToList());

        // How much the hand-written keywords carry: the same index without the tags field (reported, not asserted).
        using var untagged = KnowledgeIndex.Build(ids.Select(e =>
            new IndexedArticle(e.Key, Guid.NewGuid(), 1, e.Value.Title, e.Value.Body, null, null, e.Value.Category, Published: true)));
        var withoutTags = Score(queries, q => untagged.Search(q, includeDrafts: false, top: 10).Select(h => ids[h.ArticleId].Key).ToList());

        output.WriteLine(search.Report("Lucene CJK bigrams"));
        output.WriteLine(withoutTags.Report("  same, without keywords (tags)"));
        output.WriteLine(traditional.Report("  of which Traditional"));
        output.WriteLine(like.Report("SQL LIKE baseline"));
        foreach (var miss in search.Misses)
        {
            output.WriteLine("  not first: " + miss);
        }

        Assert.True(search.Mrr >= MrrTarget, search.Report("search"));
        Assert.True(search.RecallAt5 >= RecallAt5Target, search.Report("search"));
        Assert.True(search.RelativePrecisionAt3 >= RelativePrecisionAt3Target, search.Report("search"));
        Assert.True(traditional.Mrr >= MrrTarget, traditional.Report("Traditional"));
        Assert.True(search.Mrr > like.Mrr + 0.3, "the index should clearly beat LIKE: " + like.Report("LIKE"));
    }

    [Fact]
    public void Search_WithFullWidthOrTraditionalQuery_FindsTheSameFirstArticleAsSimplified()
    {
        var articles = KnowledgeDemoArticles.All.Select(a => new IndexedArticle(Guid.NewGuid(), Guid.NewGuid(), 1, a.Title, a.Body, a.Tags, null, a.Category, true)).ToList();
        using var index = KnowledgeIndex.Build(articles);
        var simplified = index.Search("退款到账时间", false, top: 1).Single();
        Assert.Equal(simplified.ArticleId, index.Search("退款到帳時間", false, top: 1).Single().ArticleId);
        Assert.Equal(index.Search("APP闪退", false, top: 1).Single().ArticleId, index.Search("ＡＰＰ閃退", false, top: 1).Single().ArticleId);
    }

    private static Scores Score(IReadOnlyList<LabelledQuery> queries, Func<string, List<string>> run)
    {
        double reciprocal = 0, precision = 0, bestPrecision = 0, recall = 0;
        var misses = new List<string>();
        foreach (var q in queries)
        {
            var ranked = run(q.Text);
            var first = ranked.FindIndex(q.Relevant.Contains);
            reciprocal += first < 0 ? 0 : 1.0 / (first + 1);
            precision += ranked.Take(3).Count(q.Relevant.Contains) / 3.0;
            bestPrecision += Math.Min(3, q.Relevant.Count) / 3.0;
            recall += ranked.Take(5).Count(q.Relevant.Contains) / (double)q.Relevant.Count;
            if (first != 0)
            {
                misses.Add($"{q.Text} → {(first < 0 ? "none" : "rank " + (first + 1))}; top 3: {string.Join(", ", ranked.Take(3))}");
            }
        }

        var n = queries.Count;
        return new Scores(n, reciprocal / n, precision / n, precision / bestPrecision, recall / n, misses);
    }

    private sealed record Scores(int Queries, double Mrr, double PrecisionAt3, double RelativePrecisionAt3, double RecallAt5, List<string> Misses)
    {
        public string Report(string name) => string.Create(CultureInfo.InvariantCulture,
            $"{name}: {Queries} queries, MRR {Mrr:0.000}, P@3 {PrecisionAt3:0.000} (of best possible: {RelativePrecisionAt3:0.000}), R@5 {RecallAt5:0.000}, not first {Misses.Count}");
    }

    private sealed record LabelledQuery(string Text, HashSet<string> Relevant, bool Traditional)
    {
        public static List<LabelledQuery> Load()
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Knowledge", "queries.tsv");
            return File.ReadAllLines(path, Encoding.UTF8)
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Split('\t'))
                .Select(f => new LabelledQuery(f[0], f[1].Split(',').ToHashSet(StringComparer.Ordinal), string.Equals(f[2], "hant", StringComparison.Ordinal)))
                .ToList();
        }
    }
}
