using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class Notifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Celebrate",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "DmClosedAtUtc",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "DmNoticePending",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "FreshStartPending",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastActivityAtUtc",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastReminderAtUtc",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LastTemplate",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: -1);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextReminderAtUtc",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PlanDays",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "PlanFrequency",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "PlanMinutes",
                table: "Members",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PlanPlace",
                table: "Members",
                type: "TEXT",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Privacy",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "QuietEnd",
                table: "Members",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "QuietStart",
                table: "Members",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RemindersOn",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "RemindersPaused",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "SnoozedUntilUtc",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "UnansweredReminders",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "CelebrationChannel",
                table: "Communities",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeaderboardChannel",
                table: "Communities",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LeaderboardDay",
                table: "Communities",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<int>(
                name: "LeaderboardMinutes",
                table: "Communities",
                type: "INTEGER",
                nullable: false,
                defaultValue: 540);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextLeaderboardAtUtc",
                table: "Communities",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RemindersMaxPerWeek",
                table: "Communities",
                type: "INTEGER",
                nullable: false,
                defaultValue: 2);

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<long>(type: "INTEGER", nullable: true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Target = table.Column<int>(type: "INTEGER", nullable: false),
                    Platform = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CommunityExternalId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CommunityName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RecipientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RecipientName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PayloadJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DueAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClaimedUntilUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    SentAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FailedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PeriodStats",
                columns: table => new
                {
                    MemberId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    Points = table.Column<int>(type: "INTEGER", nullable: false),
                    Minutes = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemsDone = table.Column<int>(type: "INTEGER", nullable: false),
                    ActiveDays = table.Column<long>(type: "INTEGER", nullable: false),
                    ActiveDayCount = table.Column<int>(type: "INTEGER", nullable: false),
                    PrevPoints = table.Column<int>(type: "INTEGER", nullable: false),
                    Improvement = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PeriodStats", x => new { x.MemberId, x.Kind, x.PeriodStart });
                    table.ForeignKey(
                        name: "FK_PeriodStats_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RestPeriods",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<long>(type: "INTEGER", nullable: false),
                    From = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Until = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RestPeriods", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RestPeriods_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Members_NextReminderAtUtc",
                table: "Members",
                column: "NextReminderAtUtc",
                filter: "NextReminderAtUtc IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Communities_NextLeaderboardAtUtc",
                table: "Communities",
                column: "NextLeaderboardAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_Key",
                table: "Outbox",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_MemberId_Kind_CreatedAtUtc",
                table: "Outbox",
                columns: new[] { "MemberId", "Kind", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_NextAttemptAtUtc",
                table: "Outbox",
                column: "NextAttemptAtUtc",
                filter: "SentAtUtc IS NULL AND FailedAtUtc IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PeriodStats_CommunityId_Kind_PeriodStart_ActiveDayCount",
                table: "PeriodStats",
                columns: new[] { "CommunityId", "Kind", "PeriodStart", "ActiveDayCount" });

            migrationBuilder.CreateIndex(
                name: "IX_PeriodStats_CommunityId_Kind_PeriodStart_Improvement",
                table: "PeriodStats",
                columns: new[] { "CommunityId", "Kind", "PeriodStart", "Improvement" });

            migrationBuilder.CreateIndex(
                name: "IX_PeriodStats_CommunityId_Kind_PeriodStart_Minutes",
                table: "PeriodStats",
                columns: new[] { "CommunityId", "Kind", "PeriodStart", "Minutes" });

            migrationBuilder.CreateIndex(
                name: "IX_PeriodStats_CommunityId_Kind_PeriodStart_Points",
                table: "PeriodStats",
                columns: new[] { "CommunityId", "Kind", "PeriodStart", "Points" });

            migrationBuilder.CreateIndex(
                name: "IX_RestPeriods_MemberId",
                table: "RestPeriods",
                column: "MemberId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "PeriodStats");

            migrationBuilder.DropTable(
                name: "RestPeriods");

            migrationBuilder.DropIndex(
                name: "IX_Members_NextReminderAtUtc",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_Communities_NextLeaderboardAtUtc",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "Celebrate",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "DmClosedAtUtc",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "DmNoticePending",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "FreshStartPending",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "LastActivityAtUtc",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "LastReminderAtUtc",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "LastTemplate",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "NextReminderAtUtc",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "PlanDays",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "PlanFrequency",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "PlanMinutes",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "PlanPlace",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "Privacy",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "QuietEnd",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "QuietStart",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "RemindersOn",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "RemindersPaused",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "SnoozedUntilUtc",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "UnansweredReminders",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "CelebrationChannel",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "LeaderboardChannel",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "LeaderboardDay",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "LeaderboardMinutes",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "NextLeaderboardAtUtc",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "RemindersMaxPerWeek",
                table: "Communities");
        }
    }
}
