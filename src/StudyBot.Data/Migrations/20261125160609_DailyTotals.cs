using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class DailyTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DailyTotals",
                columns: table => new
                {
                    MemberId = table.Column<long>(type: "INTEGER", nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    PracticeMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    LearningMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    ReviewMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemsDone = table.Column<int>(type: "INTEGER", nullable: false),
                    Points = table.Column<int>(type: "INTEGER", nullable: false)
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

            // Existing members' history, summed once, so nothing studied before the upgrade goes missing.
            migrationBuilder.Sql(StudyBotDatabase.RebuildDailyTotalsSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DailyTotals");
        }
    }
}
