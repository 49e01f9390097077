/**
 * The library's version. A constant (not read from package.json at run time) so that the core
 * loads without a file system, in browsers too; test/util/version.test.ts checks that it equals
 * package.json's "version".
 */
export const VERSION: string = '0.1.0';
