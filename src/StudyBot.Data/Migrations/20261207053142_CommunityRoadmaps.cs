using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class CommunityRoadmaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RoadmapId",
                table: "Members",
                type: "TEXT",
                maxLength: 64,
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

            migrationBuilder.CreateIndex(
                name: "IX_CommunityRoadmaps_CommunityId_RoadmapId",
                table: "CommunityRoadmaps",
                columns: new[] { "CommunityId", "RoadmapId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CommunityRoadmaps");

            migrationBuilder.DropColumn(
                name: "RoadmapId",
                table: "Members");
        }
    }
}
