using Cairn.Core;
using Cairn.Core.Validation;

namespace Cairn.Core.Tests;

public sealed class TrackingValidationTests
{
    [Theory]
    [InlineData("loss")]
    [InlineData("train/loss")]
    [InlineData("val loss.v2-final_x")]
    [InlineData("정확도")]
    [InlineData("eval:accuracy")]
    public void ValidNames(string name) => Assert.True(TrackingValidation.IsValidName(name));

    [Theory]
    [InlineData("a*b")]
    [InlineData(".")]
    [InlineData("..x")]
    [InlineData("/x")]
    [InlineData("x/")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("a/../b")]
    public void InvalidNames(string name) => Assert.False(TrackingValidation.IsValidName(name));

    [Fact]
    public void KeyOver250Characters_IsRejected() =>
        Assert.Throws<CairnException>(() => TrackingValidation.RequireKey(new string('k', 251), "Metric"));

    [Fact]
    public void BatchLimits_AreMlflows()
    {
        TrackingValidation.BatchSize(1000, 0, 0);
        TrackingValidation.BatchSize(800, 100, 100);
        Assert.Throws<CairnException>(() => TrackingValidation.BatchSize(1001, 0, 0));
        Assert.Throws<CairnException>(() => TrackingValidation.BatchSize(0, 101, 0));
        Assert.Throws<CairnException>(() => TrackingValidation.BatchSize(0, 0, 101));
        Assert.Throws<CairnException>(() => TrackingValidation.BatchSize(900, 100, 1));
    }

    [Fact]
    public void LastTagWins_KeepsFirstPositionWithLastValue()
    {
        var tags = TrackingValidation.LastTagWins([new("a", "1"), new("b", "2"), new("a", "3")]);
        Assert.Equal([new("a", "3"), new("b", "2")], tags);
    }
}
