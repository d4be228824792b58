using Cairn.Core.Search;

namespace Cairn.Core.Tests;

/// <summary>Issue 8: the run search's min(…), max(…), count(…) and last(…) extension and its error messages.</summary>
public sealed class MetricSummaryFilterParserTests
{
    [Theory]
    [InlineData("min(metrics.loss) < 0.2", MetricAggregate.Min, "loss")]
    [InlineData("MAX( metrics.`val loss` ) >= 1", MetricAggregate.Max, "val loss")]
    [InlineData("count(metric.loss.step) = 3", MetricAggregate.Count, "loss.step")]
    [InlineData("last(metrics.loss) != 0", MetricAggregate.Last, "loss")]
    [InlineData("metrics.loss < 0.2", MetricAggregate.Last, "loss")]
    [InlineData("metrics.loss.min < 0.2", MetricAggregate.Last, "loss.min")]
    public void Issue8_ParsesSummaryFunctions(string filter, MetricAggregate aggregate, string key)
    {
        var term = Assert.Single(RunSearch.ParseFilter(filter));

        Assert.Equal((FilterEntity.Metric, key, aggregate), (term.Entity, term.Key, term.Aggregate));
    }

    [Theory]
    [InlineData("min(params.lr) < 1", "takes a metric")]
    [InlineData("min(metrics.loss < 1", "expected ')'")]
    [InlineData("median(metrics.loss) < 1", "unknown function 'median'")]
    [InlineData("min(metrics.loss) = 'a'", "expected a number")]
    [InlineData("min(metrics.loss) LIKE 'a'", "Invalid comparator")]
    public void Issue8_BadSummarySyntax_SaysWhatIsWrong(string filter, string message)
    {
        var error = Assert.Throws<CairnException>(() => RunSearch.ParseFilter(filter));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue8_OtherSearchesRejectSummaries()
    {
        var error = Assert.Throws<CairnException>(() => ExperimentSearch.ParseFilter("min(metrics.loss) < 1"));

        Assert.Contains("only run searches", error.Message, StringComparison.Ordinal);
    }
}
