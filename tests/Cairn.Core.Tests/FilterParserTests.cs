using Cairn.Core;
using Cairn.Core.Search;

namespace Cairn.Core.Tests;

public sealed class FilterParserTests
{
    [Fact]
    public void ParsesConjunctionOfTypedComparisons()
    {
        var terms = RunSearch.ParseFilter("metrics.rmse < 0.5 and params.model = 'lasso' AND tags.\"mlflow.source.type\" LIKE 'LOC%'");

        Assert.Equal(
        [
            new Comparison(FilterEntity.Metric, "rmse", Comparator.Less, new NumberValue(0.5)),
            new Comparison(FilterEntity.Param, "model", Comparator.Equal, new StringValue("lasso")),
            new Comparison(FilterEntity.Tag, "mlflow.source.type", Comparator.Like, new StringValue("LOC%")),
        ], terms);
    }

    [Theory]
    [InlineData("metrics.`val loss` >= -1e-3", "val loss", -1e-3)]
    [InlineData("metric.\"a b\" = 2", "a b", 2.0)]
    [InlineData("metrics.acc != .5", "acc", 0.5)]
    public void QuotedKeysAndNumberForms(string filter, string key, double value)
    {
        var term = Assert.Single(RunSearch.ParseFilter(filter));
        Assert.Equal(key, term.Key);
        Assert.Equal(value, ((NumberValue)term.Value).Value);
    }

    [Theory]
    [InlineData("run_name = 'x'", "run_name")]
    [InlineData("attributes.`Run Name` = 'x'", "run_name")]
    [InlineData("created > 5", "start_time")]
    [InlineData("attr.status = 'FINISHED'", "status")]
    [InlineData("run.user_id != 'bob'", "user_id")]
    public void AttributeAliasesResolveToCanonicalNames(string filter, string expected) =>
        Assert.Equal(expected, Assert.Single(RunSearch.ParseFilter(filter)).Key);

    [Fact]
    public void InListsKeepOnlyLowercaseRunIds()
    {
        var term = Assert.Single(RunSearch.ParseFilter("run_id IN ('abc', 'DEF', 'a''b')"));
        Assert.Equal(Comparator.In, term.Op);
        Assert.Equal(["abc", "a'b"], ((ListValue)term.Value).Values);
    }

    [Theory]
    [InlineData("metrics.a < 1 or metrics.b > 2")]
    [InlineData("metrics.a < 1 and")]
    [InlineData("metrics.a")]
    [InlineData("params.a = 1")]
    [InlineData("tags.a IN ('x')")]
    [InlineData("datasets.size = 'x'")]
    [InlineData("metrics. = 1")]
    [InlineData("'quoted' = 'x'")]
    [InlineData("params.a = 'x' extra")]
    [InlineData("run_id IN 'a'")]
    [InlineData("run_id IN ('a' 'b')")]
    [InlineData("metrics.a = 1.2.3")]
    public void InvalidFilters_AreClientErrors(string filter)
    {
        var error = Assert.Throws<CairnException>(() => RunSearch.ParseFilter(filter));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public void HostileFilters_AreBounded()
    {
        var tooLong = "params.a = '" + new string('x', 20_000) + "'";
        var tooMany = string.Join(" and ", Enumerable.Range(0, 101).Select(i => $"params.p{i} = 'x'"));
        var hugeList = "run_id IN (" + string.Join(",", Enumerable.Range(0, 1001).Select(i => $"'{i}'")) + ")";

        Assert.Throws<CairnException>(() => RunSearch.ParseFilter(tooLong));
        Assert.Throws<CairnException>(() => RunSearch.ParseFilter(tooMany));
        Assert.Throws<CairnException>(() => RunSearch.ParseFilter(hugeList));
        Assert.Throws<CairnException>(() => RunSearch.ParseOrderBy(Enumerable.Range(0, 11).Select(i => $"params.p{i}").ToList()));
    }

    [Fact]
    public void OrderBy_ParsesDirectionsAndRejectsDuplicates()
    {
        var terms = RunSearch.ParseOrderBy(["metrics.`val loss` DESC", "params.lr", "attributes.created asc"]);
        Assert.Equal(
        [
            new OrderTerm(FilterEntity.Metric, "val loss", false),
            new OrderTerm(FilterEntity.Param, "lr", true),
            new OrderTerm(FilterEntity.Attribute, "start_time", true),
        ], terms);

        Assert.Throws<CairnException>(() => RunSearch.ParseOrderBy(["start_time", "created DESC"]));
    }

    [Fact]
    public void ExperimentSearch_AcceptsOnlyItsOwnKeys()
    {
        Assert.Equal(2, ExperimentSearch.ParseFilter("name LIKE 'a%' and tags.team = 'x'").Count);
        Assert.Single(ExperimentSearch.ParseFilter("attribute.creation_time > 5"));
        Assert.Throws<CairnException>(() => ExperimentSearch.ParseFilter("attributes.name = 'a'"));
        Assert.Throws<CairnException>(() => ExperimentSearch.ParseFilter("metrics.a > 1"));
        Assert.Throws<CairnException>(() => ExperimentSearch.ParseFilter("name > 'a'"));
        Assert.Throws<CairnException>(() => ExperimentSearch.ParseOrderBy(["tags.a"]));
    }

    [Fact]
    public void PageToken_RoundTripsAndRejectsGarbage()
    {
        Assert.Equal(1000, PageToken.Decode(PageToken.Encode(1000)));
        Assert.Equal("eyJvZmZzZXQiOiAxfQ==", PageToken.Encode(1));
        Assert.Equal(0, PageToken.Decode(null));
        Assert.Throws<CairnException>(() => PageToken.Decode("garbage!"));
        Assert.Throws<CairnException>(() => PageToken.Decode(Convert.ToBase64String("{\"offset\": -1}"u8)));
    }
}
