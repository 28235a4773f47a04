using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class Partners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DeletedAtUtc",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeftAtUtc",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeftAtUtc",
                table: "Communities",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextPartnerMatchAtUtc",
                table: "Communities",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PartnersDay",
                table: "Communities",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PartnersMinutes",
                table: "Communities",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PartnerPool",
                columns: table => new
                {
                    MemberId = table.Column<long>(type: "INTEGER", nullable: false),
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    JoinedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                name: "Partnerships",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Partnerships", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PartnershipMembers",
                columns: table => new
                {
                    PartnershipId = table.Column<long>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<long>(type: "INTEGER", nullable: false),
                    CommunityId = table.Column<long>(type: "INTEGER", nullable: false),
                    LastNudgeAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RematchOfferedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LeftAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
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

            migrationBuilder.CreateIndex(
                name: "IX_Communities_NextPartnerMatchAtUtc",
                table: "Communities",
                column: "NextPartnerMatchAtUtc");

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PartnerPool");

            migrationBuilder.DropTable(
                name: "PartnershipMembers");

            migrationBuilder.DropTable(
                name: "Partnerships");

            migrationBuilder.DropIndex(
                name: "IX_Communities_NextPartnerMatchAtUtc",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "DeletedAtUtc",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "LeftAtUtc",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "LeftAtUtc",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "NextPartnerMatchAtUtc",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "PartnersDay",
                table: "Communities");

            migrationBuilder.DropColumn(
                name: "PartnersMinutes",
                table: "Communities");
        }
    }
}
