using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class RoadmapsVersionsLanguages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RoadmapId",
                table: "Members",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "Communities",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CommunityRoadmaps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    RoadmapId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EnabledAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CommunityRoadmaps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CommunityRoadmaps_Communities_CommunityId",
                        column: x => x.CommunityId,
                        principalTable: "Communities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CommunityRoadmapVersions",
                columns: table => new
                {
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    RoadmapId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    FromVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    Renamed = table.Column<int>(type: "INTEGER", nullable: false),
                    Merged = table.Column<int>(type: "INTEGER", nullable: false),
                    Retired = table.Column<int>(type: "INTEGER", nullable: false),
                    Added = table.Column<int>(type: "INTEGER", nullable: false),
                    AppliedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CommunityRoadmapVersions", x => new { x.CommunityId, x.RoadmapId });
                    table.ForeignKey(
                        name: "FK_CommunityRoadmapVersions_Communities_CommunityId",
                        column: x => x.CommunityId,
                        principalTable: "Communities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RoadmapNoticesSeen",
                columns: table => new
                {
                    MemberId = table.Column<long>(type: "INTEGER", nullable: false),
                    RoadmapId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    SeenAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoadmapNoticesSeen", x => new { x.MemberId, x.RoadmapId, x.Version });
                    table.ForeignKey(
                        name: "FK_RoadmapNoticesSeen_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RoadmapVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RoadmapId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemIdsJson = table.Column<string>(type: "TEXT", nullable: false),
                    SeenAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoadmapVersions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CommunityRoadmaps_CommunityId_RoadmapId",
                table: "CommunityRoadmaps",
                columns: new[] { "CommunityId", "RoadmapId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RoadmapVersions_RoadmapId_Version",
                table: "RoadmapVersions",
                columns: new[] { "RoadmapId", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CommunityRoadmaps");

            migrationBuilder.DropTable(
                name: "CommunityRoadmapVersions");

            migrationBuilder.DropTable(
                name: "RoadmapNoticesSeen");

            migrationBuilder.DropTable(
                name: "RoadmapVersions");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "RoadmapId",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "Communities");
        }
    }
}
