using FastAgi.Routing;
using Xunit;

namespace FastAgi.Tests.Routing;

/// <summary>Script path templates: parsing, matching, constraints, precedence and the errors a bad template gets.</summary>
public class RouteTemplateTests
{
    private static readonly AgiScript Noop = static (_, _) => Task.CompletedTask;

    private static (string? Route, AgiRouteValues Values) Resolve(AgiRouteTable routes, string path)
        => routes.TryResolve(path, out _, out string? route, out AgiRouteValues values) ? (route, values) : (null, values);

    [Theory]
    [InlineData("ivr/acme/main", "acme")]
    [InlineData("/IVR/Acme/Main/", "Acme")]
    [InlineData("ivr/a b/main", "a b")]
    public void A_parameter_takes_one_segment(string path, string tenant)
    {
        var routes = new AgiRouteTable();
        routes.Map("ivr/{tenant}/main", Noop);

        (string? route, AgiRouteValues values) = Resolve(routes, path);

        Assert.Equal("ivr/{tenant}/main", route);
        Assert.Equal(tenant, values["tenant"]);
        Assert.Equal(tenant, values["TENANT"]);
        Assert.Single(values);
    }

    [Theory]
    [InlineData("ivr/main")]
    [InlineData("ivr/acme/main/more")]
    [InlineData("ivr/acme/other")]
    [InlineData("")]
    public void A_path_of_another_shape_does_not_match(string path)
    {
        var routes = new AgiRouteTable();
        routes.Map("ivr/{tenant}/main", Noop);

        Assert.False(routes.TryResolve(path, out _));
        Assert.Equal(AgiRouteTable.UnmatchedRoute, routes.RouteOf(path));
    }

    [Theory]
    [InlineData("{id:int}", "42", true)]
    [InlineData("{id:int}", "-7", true)]
    [InlineData("{id:int}", "4x", false)]
    [InlineData("{id:int}", "99999999999", false)]
    [InlineData("{id:long}", "99999999999", true)]
    [InlineData("{id:bool}", "True", true)]
    [InlineData("{id:bool}", "yes", false)]
    [InlineData("{id:guid}", "6f9619ff-8b86-d011-b42d-00c04fc964ff", true)]
    [InlineData("{id:guid}", "6f9619ff", false)]
    [InlineData("{id:decimal}", "12.50", true)]
    [InlineData("{id:double}", "1e3", true)]
    [InlineData("{id:alpha}", "abcXYZ", true)]
    [InlineData("{id:alpha}", "ab1", false)]
    [InlineData("{id:min(10)}", "10", true)]
    [InlineData("{id:min(10)}", "9", false)]
    [InlineData("{id:max(10)}", "11", false)]
    [InlineData("{id:range(1,9)}", "5", true)]
    [InlineData("{id:range(1,9)}", "0", false)]
    [InlineData("{id:length(4)}", "1234", true)]
    [InlineData("{id:length(4)}", "123", false)]
    [InlineData("{id:length(2,3)}", "123", true)]
    [InlineData("{id:minlength(3)}", "12", false)]
    [InlineData("{id:maxlength(3)}", "123", true)]
    [InlineData("{id:int:range(100,199)}", "150", true)]
    [InlineData("{id:int:range(100,199)}", "250", false)]
    public void Constraints_take_the_values_asp_net_core_takes(string parameter, string value, bool matches)
    {
        var routes = new AgiRouteTable();
        routes.Map("account/" + parameter, Noop);

        (string? route, AgiRouteValues values) = Resolve(routes, "account/" + value);

        Assert.Equal(matches, route is not null);
        Assert.Equal(matches ? value : null, values["id"]);
    }

    [Fact]
    public void An_optional_parameter_may_be_missing_at_the_end()
    {
        var routes = new AgiRouteTable();
        routes.Map("menu/{lang?}", Noop);

        Assert.Null(Resolve(routes, "menu").Values["lang"]);
        Assert.Equal("menu/{lang?}", Resolve(routes, "menu").Route);
        Assert.Equal("fr", Resolve(routes, "menu/fr").Values["lang"]);
        Assert.Null(Resolve(routes, "menu/fr/x").Route);
    }

    [Theory]
    [InlineData("files", "")]
    [InlineData("files/a", "a")]
    [InlineData("files/a/b/c", "a/b/c")]
    public void A_catch_all_takes_the_rest_of_the_path(string path, string rest)
    {
        var routes = new AgiRouteTable();
        routes.Map("files/{*rest}", Noop);

        Assert.Equal(rest, Resolve(routes, path).Values["rest"]);
    }

    [Fact]
    public void The_most_specific_route_wins_whatever_the_order_they_were_mapped_in()
    {
        string[] templates = ["ivr/{*rest}", "ivr/{name?}", "ivr/{name}", "ivr/{id:int}", "ivr/main", "{section}/main"];
        foreach (IEnumerable<string> order in new[] { templates, templates.Reverse() })
        {
            var routes = new AgiRouteTable();
            foreach (string template in order)
            {
                routes.Map(template, Noop);
            }

            Assert.Equal("ivr/main", Resolve(routes, "ivr/main").Route);
            Assert.Equal("ivr/{id:int}", Resolve(routes, "ivr/42").Route);
            Assert.Equal("ivr/{name}", Resolve(routes, "ivr/sales").Route);
            Assert.Equal("ivr/{name?}", Resolve(routes, "ivr").Route);
            Assert.Equal("ivr/{*rest}", Resolve(routes, "ivr/a/b").Route);
            Assert.Equal("{section}/main", Resolve(routes, "billing/main").Route);
        }
    }

    [Fact]
    public void Templates_that_match_the_same_paths_are_mapped_twice()
    {
        var routes = new AgiRouteTable();
        routes.Map("tenant/{tenant}/main", Noop);
        routes.Map("tenant/{id:int}/main", Noop);

        InvalidOperationException twice = Assert.Throws<InvalidOperationException>(() => routes.Map("/Tenant/{name}/MAIN", Noop));
        Assert.Equal("The script path template 'Tenant/{name}/MAIN' matches the same paths as 'tenant/{tenant}/main', which is mapped already.", twice.Message);
        Assert.Throws<InvalidOperationException>(() => routes.Map("tenant/{other:int}/main", Noop));
    }

    [Theory]
    [InlineData("a/{b", "has '{b': a parameter takes a whole segment, as {name}")]
    [InlineData("a/x{b}", "has 'x{b}': a parameter takes a whole segment, as {name}")]
    [InlineData("a/{}", "has the parameter name '': use letters, digits, '_' and '-'")]
    [InlineData("a//b", "has an empty segment ('//')")]
    [InlineData("a/{*rest}/c", "has the catch-all '{*rest}' before its end: it takes the rest of the path")]
    [InlineData("a/{b?}/c", "has the optional '{b?}' before its end: only the last segment may be missing")]
    [InlineData("a/{b:number}", "uses the unknown route constraint 'number'; the constraints are int, long, bool, guid, decimal, double, alpha, min(n), max(n), range(a,b), length(n), length(a,b), minlength(n), maxlength(n)")]
    [InlineData("a/{b:min(x)}", "gives the constraint 'min(x)' the argument 'x', which is not a whole number")]
    [InlineData("a/{b:range(1,2}", "has unbalanced parentheses in '{b:range(1,2}'")]
    [InlineData("a/{b=en}", "gives '{b=en}' a default value, which script paths do not support; make it optional with '?'")]
    [InlineData("a/{b}/{B}", "names the parameter 'B' twice")]
    [InlineData("a/{*rest:int}", "constrains the catch-all 'rest', which takes segments of any kind")]
    public void A_malformed_template_is_refused_with_what_is_wrong(string template, string problem)
    {
        FormatException error = Assert.Throws<FormatException>(() => new AgiRouteTable().Map(template, Noop));
        Assert.Equal($"The script path template '{template}' {problem}.", error.Message);
    }

    [Fact]
    public void An_exact_path_still_resolves_with_a_dictionary_lookup_and_no_values()
    {
        var routes = new AgiRouteTable();
        routes.Map("ivr/{tenant}", Noop);
        routes.Map("ivr/main", Noop);

        (string? route, AgiRouteValues values) = Resolve(routes, "IVR/MAIN");
        Assert.Equal("ivr/main", route);
        Assert.Same(AgiRouteValues.Empty, values);
        Assert.Equal(["ivr/{tenant}", "ivr/main"], routes.Paths);
    }
}
