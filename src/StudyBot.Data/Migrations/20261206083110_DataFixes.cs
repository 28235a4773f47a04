using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class DataFixes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OutboxMentions",
                columns: table => new
                {
                    OutboxId = table.Column<long>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<long>(type: "INTEGER", nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMentions_MemberId",
                table: "OutboxMentions",
                column: "MemberId");

            // What can be filled in safely: DMs belong to their recipient. Which members older messages name is only
            // in their text, which erasure no longer reads, so they get no mentions.
            migrationBuilder.Sql(StudyBotDatabase.OutboxRecipientsSql);

            // Days emptied by an undo before this version no longer count as studied.
            migrationBuilder.Sql(StudyBotDatabase.RebuildActiveDaysSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OutboxMentions");
        }
    }
}
