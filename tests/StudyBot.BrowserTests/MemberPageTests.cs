using System.Net;
using Microsoft.Playwright;

namespace StudyBot.BrowserTests;

/// <summary>
/// A member's own page in a real Chromium: signing in from the chat's link, marking an item done (the same engine path
/// as the chat: the chat sees it, the milestone completes once), keyboard-only use, and every refusal.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MemberPageTests(BrowserFixture browser)
{
    private static readonly string[] FirstThree = ["foundation-python-mastered", "foundation-math-understood", "foundation-environment-ready"];

    [BrowserFact]
    public async Task A_member_signs_in_from_the_chat_link_marks_an_item_done_the_chat_shows_it_and_the_milestone_completes_once()
    {
        await using var host = await WebHost.StartAsync();
        await host.SayAsync("Ada", "/progress start programmer part-time");
        foreach (var item in FirstThree)
        {
            await host.SayAsync("Ada", "/progress done " + item);
        }

        var before = WebHost.Read(await host.SayAsync("Ada", "/progress"));
        const string Milestone = "SELECT COUNT(*) FROM CompletionEvents WHERE TargetId = 'foundation-milestone'";
        Assert.Equal(0, await host.CountAsync(Milestone));
        await using var watch = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl);

        await watch.GoAsync(await host.SignInLinkAsync("Ada"));

        // The token left the address bar; the cookie is HttpOnly and SameSite=Lax.
        Assert.EndsWith("/me", watch.Page.Url, StringComparison.Ordinal);
        var cookie = Assert.Single(await watch.Context.CookiesAsync(), c => c.Name == "studybot-session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Contains("Ada", await watch.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await watch.AssertAccessibleAsync();
        await watch.ScreenshotsAsync("my-progress");

        await watch.Page.GetByRole(AriaRole.Button, new() { Name = "Done: First Jupyter notebook created" }).ClickAsync();

        Assert.EndsWith("/me", watch.Page.Url, StringComparison.Ordinal);
        Assert.Contains("First Jupyter notebook created", await watch.Page.Locator(".flash").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Done", await watch.Page.Locator("#item-foundation-first-notebook .status").InnerTextAsync(), StringComparison.Ordinal);
        var after = WebHost.Read(await host.SayAsync("Ada", "/progress"));
        Assert.NotEqual(before, after);
        // The milestone completed on the page is one completion event, which the celebrations job announces once.
        Assert.Equal(1, await host.CountAsync(Milestone));

        // A reload shows the page again and posts nothing; marking it again from the chat celebrates nothing more.
        await watch.Page.ReloadAsync();
        await host.SayAsync("Ada", "/progress done foundation-first-notebook");
        Assert.Equal(1, await host.CountAsync(Milestone));
        watch.AssertNoProblems();
    }

    [BrowserFact]
    public async Task Keyboard_only_a_member_reaches_and_presses_the_done_button()
    {
        await using var host = await WebHost.StartAsync();
        await host.SayAsync("Ada", "/progress start programmer part-time");
        await using var watch = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl);
        await watch.GoAsync(await host.SignInLinkAsync("Ada"));

        var target = "Done: Python basics mastered";
        for (var presses = 0; presses < 200; presses++)
        {
            await watch.Page.Keyboard.PressAsync("Tab");
            if (await watch.Page.EvaluateAsync<string?>("document.activeElement.getAttribute('aria-label')") == target)
            {
                break;
            }
        }

        Assert.Equal(target, await watch.Page.EvaluateAsync<string?>("document.activeElement.getAttribute('aria-label')"));
        var outline = await watch.Page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle");
        Assert.NotEqual("none", outline);
        await watch.Page.Keyboard.PressAsync("Enter");
        await watch.Page.WaitForURLAsync("**/me");

        Assert.Contains("Done", await watch.Page.Locator("#item-foundation-python-mastered .status").InnerTextAsync(), StringComparison.Ordinal);
        watch.AssertNoProblems();
    }

    [BrowserFact]
    public async Task A_reused_forged_or_truncated_link_is_refused_and_signs_no_one_in()
    {
        await using var host = await WebHost.StartAsync();
        await host.SayAsync("Ada", "/progress start programmer part-time");
        var link = await host.SignInLinkAsync("Ada");
        await using (var first = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl))
        {
            await first.GoAsync(link);
        }

        await using var watch = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl);
        var reused = await watch.GoAsync(link);
        Assert.Equal((int)HttpStatusCode.Gone, reused.Status);
        Assert.Contains("already used", await watch.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        var forged = await watch.GoAsync("signin/" + new string('A', 43));
        Assert.Equal((int)HttpStatusCode.NotFound, forged.Status);
        var truncated = await watch.GoAsync(link[..^5]);
        Assert.Equal((int)HttpStatusCode.BadRequest, truncated.Status);

        var me = await watch.GoAsync("me");
        Assert.Equal((int)HttpStatusCode.Unauthorized, me.Status);
        Assert.DoesNotContain(await watch.Context.CookiesAsync(), c => c.Name == "studybot-session");
    }

    [BrowserFact]
    public async Task Two_members_each_see_only_their_own_page_and_a_form_without_its_anti_forgery_token_changes_nothing()
    {
        await using var host = await WebHost.StartAsync();
        await host.SayAsync("Ada", "/progress start programmer part-time");
        await host.SayAsync("Grace", "/progress start programmer part-time");
        await host.SayAsync("Grace", "/progress note numpy grace's private plan");
        await using var ada = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl);
        await using var grace = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl);
        await ada.GoAsync(await host.SignInLinkAsync("Ada"));
        await grace.GoAsync(await host.SignInLinkAsync("Grace"));

        var adasPage = await ada.Page.Locator("main").InnerTextAsync();
        Assert.Contains("Ada", adasPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Grace", adasPage, StringComparison.Ordinal);
        Assert.DoesNotContain("private plan", adasPage, StringComparison.Ordinal);
        Assert.Contains("private plan", await grace.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // Ada's session posting without the page's anti-forgery token: refused, nothing changed.
        var changesBefore = await host.CountAsync("SELECT COUNT(*) FROM ItemChanges");
        var form = ada.Context.APIRequest.CreateFormData();
        form.Set("item", "numpy");
        form.Set("action", "done");
        var forged = await ada.Context.APIRequest.PostAsync("me/items", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.BadRequest, forged.Status);
        Assert.Equal(changesBefore, await host.CountAsync("SELECT COUNT(*) FROM ItemChanges"));
        foreach (var path in new[] { "me/undo", "signout" })
        {
            var bare = await ada.Context.APIRequest.PostAsync(path, new() { MaxRedirects = 0 });
            Assert.Equal((int)HttpStatusCode.BadRequest, bare.Status);
            var fields = ada.Context.APIRequest.CreateFormData();
            fields.Set("confirm", "yes");
            var tokenless = await ada.Context.APIRequest.PostAsync(path, new() { Form = fields, MaxRedirects = 0 });
            Assert.Equal((int)HttpStatusCode.BadRequest, tokenless.Status);
        }

        // Still signed in, nothing undone.
        Assert.Equal(200, (await ada.GoAsync("me")).Status);
        Assert.Equal(changesBefore, await host.CountAsync("SELECT COUNT(*) FROM ItemChanges"));
        ada.AssertNoProblems();
        grace.AssertNoProblems();
    }
}
