using Cairn.Quality.Reports;

namespace Cairn.Quality.Tests;

public sealed class HtmlReportTests
{
    [Fact]
    public void Text_IsEscaped_AndFiguresAreInlined()
    {
        var html = new HtmlReport("Drift <report>")
            .Heading("Columns & verdicts")
            .Table(["column", "psi"], [["a<b", "0.30"], ["c", "0.01"]], row => row == 0)
            .Figure("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0\"/></svg>\n", "caption")
            .Render();

        Assert.Contains("<title>Drift &lt;report&gt;</title>", html);
        Assert.Contains("Columns &amp; verdicts", html);
        Assert.Contains("<tr class=\"flagged\"><td>a&lt;b</td>", html);
        Assert.Contains("<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0\"/></svg>", html);
        Assert.DoesNotContain("<?xml", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty));
    }
}
