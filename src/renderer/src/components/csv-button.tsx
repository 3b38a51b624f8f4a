import { useTranslation } from 'react-i18next';
import { buildCsv, type CsvTable } from '../format/csv.ts';
import { fileNameFor } from '../format/file-name.ts';
import { saveBlob } from './save-blob.ts';

/** A byte-order mark, so spreadsheets open the UTF-8 file as UTF-8 (Cyrillic names, emoji). */
const UTF8_BOM = '\uFEFF';

interface CsvButtonProps {
  /** The file's name without `.csv`; made safe as a file name. */
  fileName: string;
  /** Built on the click, not on every render: a big server's table is ten thousand rows. */
  table: () => CsvTable;
  testId: string;
}

/** Downloads a table as CSV: its raw figures (bytes, counts), ISO dates, a header row. */
export function CsvButton({ fileName, table, testId }: CsvButtonProps) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="small-button"
      title={t('csv.title')}
      data-testid={testId}
      onClick={() => saveBlob(new Blob([UTF8_BOM, buildCsv(table())], { type: 'text/csv;charset=utf-8' }), fileNameFor(fileName, 'csv'))}
    >
      {t('csv.download')}
    </button>
  );
}
