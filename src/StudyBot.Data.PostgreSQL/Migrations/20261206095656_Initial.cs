using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace StudyBot.Data.PostgreSQL.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CommandReceipts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Platform = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CommunityExternalId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DeliveryId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReplyJson = table.Column<string>(type: "text", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CommandReceipts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Communities",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Platform = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RoadmapId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TimeZoneId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CelebrationChannel = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaderboardChannel = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaderboardDay = table.Column<int>(type: "integer", nullable: false, defaultValue: 1),
                    LeaderboardMinutes = table.Column<int>(type: "integer", nullable: false, defaultValue: 540),
                    RemindersMaxPerWeek = table.Column<int>(type: "integer", nullable: false, defaultValue: 2),
                    NextLeaderboardAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PartnersDay = table.Column<int>(type: "integer", nullable: true),
                    PartnersMinutes = table.Column<int>(type: "integer", nullable: true),
                    NextPartnerMatchAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LeftAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ChannelsSetBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Communities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<long>(type: "bigint", nullable: true),
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Target = table.Column<int>(type: "integer", nullable: false),
                    Platform = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CommunityExternalId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CommunityName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RecipientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RecipientName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    PayloadJson = table.Column<string>(type: "text", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DueAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NextAttemptAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClaimedUntilUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    SentAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FailedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DropReason = table.Column<int>(type: "integer", nullable: true),
                    LastError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Partnerships",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Partnerships", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ChannelProblems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    ChannelId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Problem = table.Column<int>(type: "integer", nullable: false),
                    ReportedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelProblems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ChannelProblems_Communities_CommunityId",
                        column: x => x.CommunityId,
                        principalTable: "Communities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Members",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TimeZoneId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LearnerProfileId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Path = table.Column<int>(type: "integer", nullable: false),
                    Pace = table.Column<int>(type: "integer", nullable: false),
                    CustomHoursPerWeek = table.Column<int>(type: "integer", nullable: true),
                    StartDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Onboarded = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastActivityAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Privacy = table.Column<int>(type: "integer", nullable: false),
                    Celebrate = table.Column<int>(type: "integer", nullable: false),
                    RemindersOn = table.Column<bool>(type: "boolean", nullable: false),
                    PlanDays = table.Column<int>(type: "integer", nullable: false),
                    PlanMinutes = table.Column<int>(type: "integer", nullable: true),
                    PlanFrequency = table.Column<int>(type: "integer", nullable: false),
                    PlanPlace = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    QuietStart = table.Column<int>(type: "integer", nullable: true),
                    QuietEnd = table.Column<int>(type: "integer", nullable: true),
                    SnoozedUntilUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    NextReminderAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastReminderAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UnansweredReminders = table.Column<int>(type: "integer", nullable: false),
                    RemindersPaused = table.Column<bool>(type: "boolean", nullable: false),
                    FreshStartPending = table.Column<bool>(type: "boolean", nullable: false),
                    DmClosedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DmNoticePending = table.Column<bool>(type: "boolean", nullable: false),
                    LastTemplate = table.Column<int>(type: "integer", nullable: false, defaultValue: -1),
                    LeftAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DeletedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Members", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Members_Communities_CommunityId",
                        column: x => x.CommunityId,
                        principalTable: "Communities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PhaseRoles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    PhaseId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RoleId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RoleName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ReportChannelId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PhaseRoles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PhaseRoles_Communities_CommunityId",
                        column: x => x.CommunityId,
                        principalTable: "Communities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RoleProblems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    RoleId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RoleName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Problem = table.Column<int>(type: "integer", nullable: false),
                    ReportedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoleProblems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RoleProblems_Communities_CommunityId",
                        column: x => x.CommunityId,
                        principalTable: "Communities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CompletionEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    TargetId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    BatchId = table.Column<Guid>(type: "uuid", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NotifiedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CompletionEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CompletionEvents_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DailyTotals",
                columns: table => new
                {
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "date", nullable: false),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    PracticeMinutes = table.Column<int>(type: "integer", nullable: false),
                    LearningMinutes = table.Column<int>(type: "integer", nullable: false),
                    ReviewMinutes = table.Column<int>(type: "integer", nullable: false),
                    ItemsDone = table.Column<int>(type: "integer", nullable: false),
                    Points = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DailyTotals", x => new { x.MemberId, x.LocalDate });
                    table.ForeignKey(
                        name: "FK_DailyTotals_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Goals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    Period = table.Column<int>(type: "integer", nullable: false),
                    Unit = table.Column<int>(type: "integer", nullable: false),
                    Target = table.Column<int>(type: "integer", nullable: false),
                    EffectiveFrom = table.Column<DateOnly>(type: "date", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Goals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Goals_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ItemChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    BatchId = table.Column<Guid>(type: "uuid", nullable: false),
                    ItemId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FromStatus = table.Column<int>(type: "integer", nullable: false),
                    FromReason = table.Column<int>(type: "integer", nullable: false),
                    ToStatus = table.Column<int>(type: "integer", nullable: false),
                    ToReason = table.Column<int>(type: "integer", nullable: false),
                    Points = table.Column<int>(type: "integer", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "date", nullable: false),
                    ActorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    IsUndo = table.Column<bool>(type: "boolean", nullable: false),
                    UndoneAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ItemChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ItemChanges_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ItemProgress",
                columns: table => new
                {
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    ItemId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ItemProgress", x => new { x.MemberId, x.ItemId });
                    table.ForeignKey(
                        name: "FK_ItemProgress_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OutboxMentions",
                columns: table => new
                {
                    OutboxId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxMentions", x => new { x.OutboxId, x.MemberId });
                    table.ForeignKey(
                        name: "FK_OutboxMentions_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_OutboxMentions_Outbox_OutboxId",
                        column: x => x.OutboxId,
                        principalTable: "Outbox",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PartnerPool",
                columns: table => new
                {
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    JoinedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerPool", x => x.MemberId);
                    table.ForeignKey(
                        name: "FK_PartnerPool_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PartnershipMembers",
                columns: table => new
                {
                    PartnershipId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    LastNudgeAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RematchOfferedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LeftAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnershipMembers", x => new { x.PartnershipId, x.MemberId });
                    table.ForeignKey(
                        name: "FK_PartnershipMembers_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PartnershipMembers_Partnerships_PartnershipId",
                        column: x => x.PartnershipId,
                        principalTable: "Partnerships",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PeriodStats",
                columns: table => new
                {
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: false),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    Points = table.Column<int>(type: "integer", nullable: false),
                    Minutes = table.Column<int>(type: "integer", nullable: false),
                    ItemsDone = table.Column<int>(type: "integer", nullable: false),
                    ActiveDays = table.Column<long>(type: "bigint", nullable: false),
                    ActiveDayCount = table.Column<int>(type: "integer", nullable: false),
                    PrevPoints = table.Column<int>(type: "integer", nullable: false),
                    Improvement = table.Column<int>(type: "integer", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    From = table.Column<DateOnly>(type: "date", nullable: false),
                    Until = table.Column<DateOnly>(type: "date", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "RoleGrants",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    PhaseId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RoleId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClaimedUntilUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastProblem = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DoneAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoleGrants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RoleGrants_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "StudyLogs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<long>(type: "bigint", nullable: false),
                    BatchId = table.Column<Guid>(type: "uuid", nullable: false),
                    Minutes = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    ItemId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Points = table.Column<int>(type: "integer", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "date", nullable: false),
                    ActorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RetractedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StudyLogs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StudyLogs_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ChannelProblems_CommunityId_ChannelId_Problem",
                table: "ChannelProblems",
                columns: new[] { "CommunityId", "ChannelId", "Problem" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CommandReceipts_CreatedAtUtc",
                table: "CommandReceipts",
                column: "CreatedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_CommandReceipts_Platform_CommunityExternalId_DeliveryId",
                table: "CommandReceipts",
                columns: new[] { "Platform", "CommunityExternalId", "DeliveryId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CommandReceipts_Platform_CommunityExternalId_UserId",
                table: "CommandReceipts",
                columns: new[] { "Platform", "CommunityExternalId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_Communities_NextLeaderboardAtUtc",
                table: "Communities",
                column: "NextLeaderboardAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Communities_NextPartnerMatchAtUtc",
                table: "Communities",
                column: "NextPartnerMatchAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Communities_Platform_ExternalId",
                table: "Communities",
                columns: new[] { "Platform", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CompletionEvents_MemberId_Kind_TargetId",
                table: "CompletionEvents",
                columns: new[] { "MemberId", "Kind", "TargetId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CompletionEvents_NotifiedAtUtc_AtUtc",
                table: "CompletionEvents",
                columns: new[] { "NotifiedAtUtc", "AtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Goals_MemberId",
                table: "Goals",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_ItemChanges_BatchId",
                table: "ItemChanges",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_ItemChanges_MemberId_LocalDate",
                table: "ItemChanges",
                columns: new[] { "MemberId", "LocalDate" });

            migrationBuilder.CreateIndex(
                name: "IX_Members_CommunityId_UserId",
                table: "Members",
                columns: new[] { "CommunityId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Members_NextReminderAtUtc",
                table: "Members",
                column: "NextReminderAtUtc",
                filter: "\"NextReminderAtUtc\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_CommunityId_FailedAtUtc",
                table: "Outbox",
                columns: new[] { "CommunityId", "FailedAtUtc" },
                filter: "\"FailedAtUtc\" IS NOT NULL");

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
                name: "IX_Outbox_Platform_NextAttemptAtUtc",
                table: "Outbox",
                columns: new[] { "Platform", "NextAttemptAtUtc" },
                filter: "\"SentAtUtc\" IS NULL AND \"FailedAtUtc\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMentions_MemberId",
                table: "OutboxMentions",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerPool_CommunityId",
                table: "PartnerPool",
                column: "CommunityId");

            migrationBuilder.CreateIndex(
                name: "IX_PartnershipMembers_MemberId",
                table: "PartnershipMembers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_Partnerships_CommunityId_CreatedAtUtc",
                table: "Partnerships",
                columns: new[] { "CommunityId", "CreatedAtUtc" });

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
                name: "IX_PhaseRoles_CommunityId_PhaseId",
                table: "PhaseRoles",
                columns: new[] { "CommunityId", "PhaseId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RestPeriods_MemberId",
                table: "RestPeriods",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_RoleGrants_CommunityId_State",
                table: "RoleGrants",
                columns: new[] { "CommunityId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_RoleGrants_MemberId_PhaseId_RoleId",
                table: "RoleGrants",
                columns: new[] { "MemberId", "PhaseId", "RoleId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RoleGrants_NextAttemptAtUtc",
                table: "RoleGrants",
                column: "NextAttemptAtUtc",
                filter: "\"State\" = 0");

            migrationBuilder.CreateIndex(
                name: "IX_RoleProblems_CommunityId_RoleId_Problem",
                table: "RoleProblems",
                columns: new[] { "CommunityId", "RoleId", "Problem" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StudyLogs_BatchId",
                table: "StudyLogs",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_StudyLogs_MemberId_LocalDate",
                table: "StudyLogs",
                columns: new[] { "MemberId", "LocalDate" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ChannelProblems");

            migrationBuilder.DropTable(
                name: "CommandReceipts");

            migrationBuilder.DropTable(
                name: "CompletionEvents");

            migrationBuilder.DropTable(
                name: "DailyTotals");

            migrationBuilder.DropTable(
                name: "Goals");

            migrationBuilder.DropTable(
                name: "ItemChanges");

            migrationBuilder.DropTable(
                name: "ItemProgress");

            migrationBuilder.DropTable(
                name: "OutboxMentions");

            migrationBuilder.DropTable(
                name: "PartnerPool");

            migrationBuilder.DropTable(
                name: "PartnershipMembers");

            migrationBuilder.DropTable(
                name: "PeriodStats");

            migrationBuilder.DropTable(
                name: "PhaseRoles");

            migrationBuilder.DropTable(
                name: "RestPeriods");

            migrationBuilder.DropTable(
                name: "RoleGrants");

            migrationBuilder.DropTable(
                name: "RoleProblems");

            migrationBuilder.DropTable(
                name: "StudyLogs");

            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "Partnerships");

            migrationBuilder.DropTable(
                name: "Members");

            migrationBuilder.DropTable(
                name: "Communities");
        }
    }
}
