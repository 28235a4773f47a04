using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class CommandReceipts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CommandReceipts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Platform = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CommunityExternalId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DeliveryId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReplyJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CommandReceipts", x => x.Id);
                });

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CommandReceipts");
        }
    }
}
