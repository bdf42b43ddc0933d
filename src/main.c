/*
 * main.c - the edubureau binary: dispatch to a subcommand (cli.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define EDUBUREAU_VERSION "0.1.0"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} main_commands[] = {
    {"serve", cmd_serve},       {"demo", cmd_demo}, {"generate", cmd_generate},
    {"user", cmd_user},         {"org", cmd_org},   {"migrate", cmd_migrate},
    {"export", cmd_export},     {"import", cmd_import},
    {"safety-rebuild", cmd_safety_rebuild},
    {"eval", cmd_eval},         {"plan", cmd_plan},
};

static void main_usage(FILE *out)
{
    fputs("edubureau - 教体局工作平台\n"
          "\n"
          "用法: edubureau <命令> [选项]\n"
          "\n"
          "命令:\n"
          "  serve     启动 Web 服务  [--db 文件] [--port 端口] [--bind 地址] [--threads N]\n"
          "            [--files 目录（上传照片）] [--quiet]\n"
          "  demo      生成演示数据（长葛市）并启动服务  [--db 文件] [--port 端口] [--seed N] [--no-serve]\n"
          "  generate  生成基准测试数据  --counties N [--hazards N] [--stats] [--db 文件] [--seed N]\n"
          "  user      管理用户  list|add|passwd|role|lock|unlock|disable ...\n"
          "  org       管理组织机构与股室\n"
          "  migrate   升级数据库结构  [--db 文件]\n"
          "  safety-rebuild  重建安全汇总计数  [--db 文件]\n"
          "  export    导出基表  --year 学年 --out 文件.xlsx [--type 办学类型] [--db 文件]\n"
          "  import    检查并导入基表  --year 学年 文件 [--apply] [--db 文件]\n"
          "  eval      评估结论（优质均衡、学前普及普惠、班额）  [--year 学年]\n"
          "            [--stage primary|junior|preschool|class-size] [--org 机构] [--out 文件.xlsx]\n"
          "  plan      工作目标  export --year 年度 --format xlsx|docx --out 文件 [--on 日期]\n"
          "            | status --year 年度 [--on 日期]  [--org 机构] [--db 文件]\n"
          "  version   显示版本\n"
          "  help      显示本帮助\n"
          "\n"
          "环境变量: EDUBUREAU_DB（数据库文件，默认 edubureau.db）, EDUBUREAU_PORT（端口，默认 8080）\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        main_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        main_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("edubureau %s\n", EDUBUREAU_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof main_commands / sizeof main_commands[0]; i++) {
        if (strcmp(cmd, main_commands[i].name) == 0)
            return main_commands[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "未知命令: %s\n\n", cmd);
    main_usage(stderr);
    return 2;
}
