import type { MessagesLike } from '../../../../shared/i18n/message-shape.ts';
import type { en } from './en.ts';

/** Слова CLI по-русски: те же ключи и {{имена}}, что в en.ts. Синтаксис команд и флаги не переводятся. */
export const ru = {
  help: {
    intro: 'keyport: ключи VLESS+Reality на ваших серверах, из командной строки',
    group: {
      server: 'Серверы',
      keys: 'Ключи (KEY — id ключа или точное имя ключа)',
      people: 'Люди (PERSON — uuid или имя человека; человек — это один uuid с ключом на каждом из его серверов)',
      traffic: 'Трафик (дни по UTC; rx — от клиента к серверу, tx — от сервера к клиенту)',
      tunnel: 'Туннель',
      console: 'Консоль',
      export: 'Экспорт (состояние этой консоли для нового ноутбука)',
      import: 'Импорт',
    },
    notes: `SERVER — имя или id сервера. KEY — id ключа или точное имя ключа.
Все команды чтения принимают --json. Если сервер не в сети и ответ взят из локального кэша, в stderr
пишется "(не в сети: из кэша, последняя синхронизация ...)"; в JSON есть поля "source" и "syncedAt".
\`keyport КОМАНДА --help\` печатает синтаксис одной команды.

server add показывает SSH-ключ хоста сервера (отпечаток SHA256, как его печатает OpenSSH) и добавляет
сервер, только когда ключ принят: ответом y в терминале или флагом --accept-host-key (по одному на
каждый показанный ключ, если ~/.ssh/config ведёт через промежуточные хосты).
server trust принимает новый ключ хоста сервера после его смены (сервер переустановили): только ключ,
который он предъявляет сейчас, через --accept-host-key после проверки на сервере; ключи и история остаются.
Без --key, --agent и --password-stdin вход идёт так же, как у ssh: IdentityFile псевдонима, затем
ssh-agent, затем ~/.ssh/id_*. --password-stdin читает одну строку из stdin.
server install-xray скачивает на сервер архив выпуска Xray (выпуск, с которым проверялся Keyport, если
--version не называет другой тег; --version latest берёт последний выпуск XTLS, с предупреждением;
с выпусков XTLS/Xray-core на GitHub, если --releases-url не указывает зеркало с тем же устройством),
сверяет его с .dgst выпуска и устанавливает /usr/local/bin/xray и его geo-файлы. Установленный агент
запускает Xray, если тот не работал; работающий Xray использует старый файл до следующего запуска.
server status говорит, что мешает работать ссылкам ключей на сервере в сети (нет Xray, Xray не
запущен или расходится с ключами, порт ключа не отвечает отсюда), и какая команда это исправит.
server check-ports подключается с этой машины к порту одного активного ключа на хосте из его ссылки
(не дольше 3 с) и завершается с кодом 1, если порт не отвечает, называя диапазон портов, который нужно
открыть. server sync-config снова приводит брандмауэр и Xray в соответствие с ключами.
server deploy выдаёт ключам порты из --key-ports FROM-TO: диапазон прошлой установки или {{keyPorts}}.
Он открывает этот диапазон в собственном брандмауэре сервера, если тот отбрасывал бы их (ufw, firewalld
или iptables INPUT, который отбрасывает); для таблицы nftables администратора печатает команду.
server deploy --subscriptions PORT включает у агента сервер подписок (только GET /sub/TOKEN; у каждого
ключа есть subscription_url), по HTTPS с --subscription-tls-cert FILE --subscription-tls-key FILE
(PEM, проверяются здесь до того, как сервер затронут), иначе по открытому HTTP: тогда наблюдатель
видит каждый токен и каждую ссылку с её uuid. Порт открывается в брандмауэре сервера, как порты ключей.
Следующие установки сохраняют это (и сертификат на сервере); --no-subscription-tls возвращает
открытый HTTP, --no-subscriptions выключает подписки и закрывает порт.
server reality печатает цель Reality и имена серверов или меняет их (ссылка каждого ключа затем
несёт первое имя как sni); --verify проверяет цель с сервера (TCP, TLS 1.3, X25519, h2, сертификат
для каждого имени). server deploy принимает --reality-target и --reality-server-names, чтобы
задать их, когда агент запустится.
server set меняет то, как пишутся ссылки сервера: --link-host HOST — хост (имя или адрес), который
они называют вместо хоста SSH (тот неверен за ProxyJump или при частном адресе; --no-link-host
возвращает его), --reality-target HOST:PORT и --server-names A,B (как server reality) и
--key-ports FROM-TO — диапазон, из которого новые ключи получают порты (агент устанавливается заново
с ним; диапазон, в который не входит порт какого-либо ключа, отклоняется). С хостом или настройками
Reality меняются ссылка и QR-код каждого ключа: людям нужно импортировать новые, если только они не
пользуются ссылками подписки.
server settings печатает, могут ли пользователи VPN обращаться к самому серверу и его частным сетям
(запрещено, если не --private-destinations on) и записывает ли Xray каждое подключение (--access-log
on|off; по умолчанию off). Смена любого из них один раз перезапускает Xray, обрывая подключения.
server uninstall сохраняет данные агента (ключи, историю трафика, API-ключ), если не указан --delete-data.
Команды, удаляющие безвозвратно, сначала спрашивают в терминале (y — продолжить): keys delete, server
uninstall --delete-data, server remove (кэш ключей и истории сервера в этой консоли), people remove и
people servers remove. С --yes они не спрашивают; если спросить негде (нет терминала) и --yes не
указан, они отказываются с кодом выхода 2 и ничего не удаляют.
Псевдоним --alias должен быть назван строкой Host в ~/.ssh/config (одиночный Host * не в счёт).
server backup записывает в FILE ключи сервера (uuid, порты, ограничения), историю трафика, настройки
и ключи Reality, зашифрованные парольной фразой (спрашивается дважды без эха или первая строка
--passphrase-file). --daily берёт вместо этого одну из ежедневных копий агента (server backups
перечисляет их; ключи Reality берутся текущие). server restore переносит копию на сервер, где ещё нет
ключей (только что установленный): каждый ключ сохраняет свой порт, если он свободен в диапазоне
сервера, иначе получает другой, и печатается старый и новый порт (эти ссылки меняются). Неверная
парольная фраза или повреждённый файл отклоняются до того, как что-то попадёт на сервер; отклонённое
восстановление ничего не меняет.
На сервере одновременно идёт одна установка или удаление: блокировка на сервере записывает, какая
консоль её держит и с какого времени. Собственную блокировку этой консоли, оставшуюся от прерванной
установки, она забирает сразу; блокировку другой консоли держит, пока та 30 минут не подаёт признаков
жизни, или пока --break-lock (deploy, uninstall) не снимет её, когда вы знаете, что там ничего не идёт.
tunnel пробрасывает локальный порт к агенту и печатает его URL и API-ключ до Ctrl-C.
export записывает собственное состояние этой консоли в FILE для нового ноутбука (JSON, режим 0600,
целиком или никак): серверы с настройками SSH по ссылке (псевдоним, хост, пользователь, порт,
промежуточные хосты, путь к файлу ключа, но не сам ключ), ключи хостов, которым они доверяют, и
отложенные отключения people move. Не кэш (ключи, история) — он заполнится с серверов, и не
API-ключи агентов — они читаются с каждого сервера по SSH. --with-secrets добавляет пароли и фразы
SSH, которые хранит консоль (их хранит только связка ключей ОС окна), зашифрованные фразой, которую
спрашивают дважды (или первой строкой --passphrase-file). import сначала проверяет весь файл:
обрезанный, изменённый, более нового формата или с неверной фразой отклоняется, и ничего не меняется.
Он добавляет серверы файла, пропускает те, чьё имя или id уже есть в консоли (и говорит об этом),
если не задан --replace, добавляет ключи хостов, которых не было у пропущенного сервера (отличающийся
сохраняется и называется), и говорит, что нужно каждому серверу здесь: скопировать файл ключа
(предупреждение) или ввести пароль при первом подключении.

Ограничения ключей (keys create, keys set, keys create-many); агент соблюдает их и без консоли:
  --limit SIZE     квота трафика rx + tx за период. Размеры по 1024, Keyport пишет их в KiB, MiB,
                   GiB, TiB: 50GB = 50GiB = 53687091200 байт, показывается как 50.00 GiB (KB ... PB
                   и KiB ... PiB одинаково, в любом регистре, дробные допускаются); число без единиц —
                   это байты, так что объём по 1000 задаётся точно (50000000000).
                   keys set --limit none снимает квоту.
  --reset PERIOD   когда расход снова начинается с 0: no_reset (по умолчанию), day, week, month или
                   year, по UTC (неделя с понедельника 00:00, месяц с 1-го числа, год с 1 января).
  --expires WHEN   день (2027-03-01 — это 00:00 UTC того дня), время UTC (2027-03-01T18:30) или
                   срок от текущего момента (+30d, +2w, +12h). keys set --expires never снимает срок.
  --note TEXT      произвольный текст до 500 символов.
Ключ сверх квоты — "limited", с истёкшим сроком — "expired": он отключается и отклоняется, пока квоту
не увеличат, не начнётся новый период или срок не продлят (keys set), без перезапуска.
keys create-many читает из CSV столбцы limit, reset, expires и note рядом с name (пустая ячейка
берёт значение флага, none/never снимают); в простом списке одно имя на строку.
keys list показывает для каждого ключа статус, расход относительно квоты, период сброса, срок от
текущего момента и заметку; --status принимает active, disabled, limited, expired (несколько через
запятую), --expiring 7d — работающие ключи, истекающие за это время (d, w или h), --over 80% — ключи,
израсходовавшие эту долю квоты; --sort name, port, status, usage (самая большая доля первой),
expires (ближайшие первыми) или created.
server status считает на каждом сервере исчерпанные, истёкшие и истекающие в течение 7 дней ключи.

Трафик: размеры по 1024, в KiB, MiB, GiB, TiB (поля *_formatted в API дают те же числа с единицами
спецификации KB, MB, GB). OPENED — сколько TCP-соединений открыто на порту ключа за день или месяц
(sessions в API); AT ONCE — наибольшее число соединений, открытых одновременно в один цикл замера,
по умолчанию каждые 10 с (max_connections), поэтому много коротких соединений может быть открыто,
а одновременно не замечено ни одного. AT ONCE (SUM) за день сервера — сумма AT ONCE его ключей.

Люди: человек — это один uuid VLESS с ключом на каждом из его серверов; он находится по ключам
серверов (больше ничего не хранится). Его имя — самое частое имя среди его ключей. people add создаёт
ключ с одним новым uuid на каждом названном сервере, с флагами ограничений; people servers add копирует
имя и ограничения одного из его ключей. После каждого изменения каждый его ключ получает ссылки
остальных и их расход там (свой набор), так что подписка любого из его серверов перечисляет их все
и считает трафик и квоты по всем; server sync отправляет изменившийся расход. people push
отправляет их снова, когда сервер вернулся в сеть; people rotate выдаёт новую ссылку подписки
(старая сразу отвечает 404). people move выдаёт людям с --from ключи на --to с теми же uuid, именами
и ограничениями (периоды квоты там начинаются заново); --disable-now сразу отключает их на --from,
--disable-after 7d (m, h, d или w) — по окончании отсрочки, при первой после этого команде people.
Сбойный сервер называется с причиной; остальное продолжается, а код выхода — 1.`,
    environment: `Переменные окружения
  KEYPORT_HOME        состояние keyport (по умолчанию каталог данных приложений ОС, напр. ~/.config/keyport)
  KEYPORT_SSH_SECRET  пароль SSH или парольная фраза ключа, если keyport негде спросить их в терминале
  LC_ALL, LANG        язык сообщений: ru_RU.UTF-8 — русский, остальные — английский`,
    exitCodes: `Коды выхода
  0  готово
  1  ошибка; сообщение объясняет причину
  2  ошибка в командной строке или удаление без --yes, когда спросить негде; ничего не сделано
  3  сервер не в сети
  4  ключ хоста не принят или отличается от принятого
  5  вход по SSH не удался, или sudo просит пароль
  6  нет такого сервера или ключа`,
  },
  confirm: {
    ask: {
      key: 'Удалить ключ {{key}} и историю его трафика на {{server}}?',
      serverData: 'Удалить агент с {{server}} и безвозвратно стереть его данные там (ключи, историю трафика, API-ключ)?',
      server: 'Убрать {{server}} из этой консоли вместе с кэшем его ключей и истории трафика? Агент на сервере продолжит работать.',
      person: 'Удалить ключи {{person}} и их историю на {{servers}}?',
      personServer: 'Удалить ключ {{person}} и историю его трафика на {{server}}?',
    },
    what: {
      key: 'удаление ключа {{key}} и истории его трафика на {{server}}',
      serverData: 'удаление данных агента на {{server}}',
      server: 'удаление {{server}} с кэшем его ключей и истории из этой консоли',
      person: 'удаление всех ключей {{person}}',
      personServer: 'удаление ключа {{person}} на {{server}}',
    },
    needsYes: '{{deletion}} требует --yes, когда спросить негде (нет терминала); ничего не удалено',
    nothingDeleted: 'Ничего не удалено.',
  },
  usage: {
    label: 'синтаксис:',
    noCommand: 'команда не указана',
    unknownCommand: "неизвестная команда '{{command}}'",
    needsCommand: 'после {{group}} нужна команда',
    commands: 'команды: {{commands}}, help',
  },
  progress: {
    skipped: 'пропущено: {{text}}',
    failed: 'не удалось: {{text}}',
  },
  done: {
    keyDeleted: 'Ключ {{key}} и история его трафика удалены с {{server}}.',
    serverAdded: 'Сервер {{server}} ({{address}}) добавлен, id {{id}}.\nДальше: keyport server deploy {{server}}',
    serverRemoved: 'Сервер {{server}} убран из keyport. Установленный там агент продолжает работать (чтобы убрать и его, сначала выполните uninstall).',
    hostKeyTrusted: 'Теперь Keyport доверяет ключу хоста {{fingerprint}} для {{server}} ({{address}}); ключи и история сохранены.',
    serverCached: 'Данные {{server}} сохранены для просмотра без сети: ключи, текущий трафик, история, этот месяц и сегодня.',
  },
  serverSet: {
    nothing: 'На {{server}} ничего не изменилось: эти настройки ссылок уже действуют.',
    changed: 'Изменено на {{server}}:',
    field: {
      linkHost: 'Хост в ссылках',
      realityTarget: 'Цель Reality',
      realityServerNames: 'Имена серверов',
      keyPorts: 'Порты ключей',
    },
    changedLine: '  {{label}}: {{before}} -> {{after}}',
    keptLine: '  {{label}}: {{value}}',
    sshHost: '{{host}} (хост SSH)',
    xrayTook: 'Xray принял новые настройки Reality на ходу ({{method}}); открытые соединения не прервались.',
    xrayNotYet: 'Сохранено, но Xray их ещё не принял: {{detail}}',
    keyPortsNote: 'Ключи сохраняют свои порты; новые ключи получают порты из {{from}}-{{to}}. Откройте этот диапазон в брандмауэре провайдера.',
    linksChanged:
      'Внимание: ссылка и QR-код каждого ключа на {{server}} изменились, старые больше не работают. Людям нужно импортировать новую ссылку или QR-код (keyport keys qr {{server}} KEY), если только они не пользуются ссылками подписки: те обновятся сами.',
    bundlesPushed: 'Подписки людей, у которых есть ключи и на {{servers}}, там тоже перечисляют новые ссылки.',
    certificateNotNaming:
      'сертификат подписок ({{subject}}) не называет {{host}}: приложения не примут ссылки подписок, пока вы не развернёте сервер заново с сертификатом, который его называет: keyport server deploy {{server}} --subscription-tls-cert FILE --subscription-tls-key FILE',
    certificateUnread: 'не удалось прочитать сертификат подписок ({{subject}}), чтобы проверить, называет ли он {{host}}; приложения не примут ссылки подписок, хост которых сертификат не называет',
    bundleFailed: '{{server}}: новые ссылки не попали в подписки там ({{message}}); когда сервер ответит: keyport people push PERSON',
    rolledBack: 'агент не запустился на {{server}} с портами ключей {{from}}-{{to}}; возвращена прежняя версия, ничего не изменено',
  },
  common: {
    warning: 'внимание: {{message}}',
    offline: '(не в сети: из кэша, последняя синхронизация {{time}})',
    never: 'никогда',
    yes: 'да',
    no: 'нет',
  },
  keyWords: {
    status: { active: 'активен', disabled: 'отключён', limited: 'исчерпан', expired: 'истёк' },
    reset: { day: 'день', week: 'неделя', month: 'месяц', year: 'год' },
    usage: '{{used}} / {{limit}} ({{percent}}%)',
    expiredJustNow: 'истёк только что',
    underMinute: 'меньше чем через минуту',
    expiredAgo: 'истёк {{amount}} назад',
    expiresIn: 'через {{amount}}',
    minute_one: '{{count}} мин',
    minute_few: '{{count}} мин',
    minute_many: '{{count}} мин',
    minute_other: '{{count}} мин',
    hour_one: '{{count}} ч',
    hour_few: '{{count}} ч',
    hour_many: '{{count}} ч',
    hour_other: '{{count}} ч',
    day_one: '{{count}} день',
    day_few: '{{count}} дня',
    day_many: '{{count}} дней',
    day_other: '{{count}} дня',
    stoppedLimited: 'Ключ {{name}} израсходовал свою квоту ({{usage}}), поэтому его ссылка не работает, пока квоту не увеличат',
    stoppedLimitedPeriod: 'Ключ {{name}} израсходовал свою квоту ({{usage}}), поэтому его ссылка не работает, пока квоту не увеличат или не начнётся следующий период',
    stoppedExpired: 'Срок ключа {{name}} {{expiry}}, поэтому его ссылка не работает, пока срок не продлят',
    sentence: 'Статус: {{status}}, {{quota}}, {{expiry}}.',
    sentenceWithNote: 'Статус: {{status}}, {{quota}}, {{expiry}}, заметка «{{note}}».',
    noQuota: 'без квоты',
    quota: 'квота {{limit}}, израсходовано {{used}}',
    quotaPer: {
      day: 'квота {{limit}} в день, израсходовано {{used}}',
      week: 'квота {{limit}} в неделю, израсходовано {{used}}',
      month: 'квота {{limit}} в месяц, израсходовано {{used}}',
      year: 'квота {{limit}} в год, израсходовано {{used}}',
    },
    neverExpires: 'бессрочный',
    expires: 'истекает {{expiry}} ({{time}})',
    expired: '{{expiry}} ({{time}})',
  },
  keys: {
    described: '{{name}} (id {{id}}, порт {{port}})',
    created: 'Создан ключ {{key}} на {{server}}. Его ссылка: keyport keys config {{server}} {{id}}',
    updated: 'Ключ {{key}} изменён. {{limits}}',
    enabled: 'Ключ {{key}} включён.',
    disabled: 'Ключ {{key}} отключён: его соединения прерваны, порт и история сохранены.',
    renamed: 'Ключ {{id}} переименован в «{{name}}». Выданные раньше ссылки сохраняют старое имя в подписи; новая ссылка: keyport keys config {{server}} {{id}}',
    qrWritten: 'QR-код ссылки vless:// ключа {{id}} записан в {{file}}.',
    linkWillNotWork: 'ссылка {{name}} пока не будет работать: {{problem}}',
    stopped: '{{why}}: keyport keys set {{server}} {{id}} {{flag}}',
    noneMatch: 'На {{server}} нет подходящих ключей.',
    noneYet: 'На {{server}} пока нет ключей: keyport keys create {{server}} NAME',
    column: {
      id: 'ID',
      name: 'ИМЯ',
      port: 'ПОРТ',
      status: 'СТАТУС',
      usage: 'РАСХОД',
      reset: 'СБРОС',
      expires: 'ИСТЕКАЕТ',
      created: 'СОЗДАН',
      note: 'ЗАМЕТКА',
    },
    many: {
      progress_one: '{{created}}/{{count}} ключ',
      progress_few: '{{created}}/{{count}} ключа',
      progress_many: '{{created}}/{{count}} ключей',
      progress_other: '{{created}}/{{count}} ключа',
      createdNone: 'На {{server}} не создано ни одного ключа.',
      createdPorts_one: 'На {{server}} создан {{count}} ключ (порт {{from}}-{{to}}).',
      createdPorts_few: 'На {{server}} создано {{count}} ключа (порты {{from}}-{{to}}).',
      createdPorts_many: 'На {{server}} создано {{count}} ключей (порты {{from}}-{{to}}).',
      createdPorts_other: 'На {{server}} создано {{count}} ключа (порты {{from}}-{{to}}).',
      skipped_one: 'Пропущено {{count}} имя, которое на {{server}} уже было.',
      skipped_few: 'Пропущено {{count}} имени, которые на {{server}} уже были.',
      skipped_many: 'Пропущено {{count}} имён, которые на {{server}} уже были.',
      skipped_other: 'Пропущено {{count}} имени, которые на {{server}} уже были.',
      next: 'Их id и порты: keyport keys list {{server}}; ссылка ключа: keyport keys config {{server}} KEY',
    },
  },
  servers: {
    noneYet: 'Серверов пока нет: keyport server add NAME --host HOST',
    address: '{{user}}@{{host}}:{{port}}',
    column: {
      name: 'ИМЯ',
      address: 'АДРЕС',
      agent: 'АГЕНТ',
      lastSynced: 'СИНХРОНИЗИРОВАН',
      id: 'ID',
      state: 'СОСТОЯНИЕ',
      xray: 'XRAY',
      keys: 'КЛЮЧЕЙ',
      active: 'АКТИВНЫХ',
      limited: 'ИСЧЕРПАНО',
      expired: 'ИСТЕКЛО',
      expiring: 'ИСТЕКАЕТ ЗА {{days}} ДН.',
      reason: 'ПРИЧИНА',
    },
    state: {
      online: 'в сети',
      offline: 'не в сети',
      'not-deployed': 'агент не установлен',
      'agent-down': 'агент не отвечает',
      'host-key-unknown': 'ключ хоста не принят',
      'host-key-changed': 'ключ хоста изменился',
    },
    outdated: '{{version}} (устарел)',
    xray: {
      missing: 'не установлен',
      outOfSync: '{{version}} (рассинхронизирован)',
      down: '{{version}} (не запущен)',
      apiDown: '{{version}} (API не отвечает)',
      newer: '{{version}} (новее проверенной {{checked}})',
      tooOld: '{{version}} (слишком старый: нужен {{minimum}}+)',
      unknown: '{{version}} (не Xray?)',
    },
    usage: {
      line: '{{server}}: Xray {{parts}}',
      pid: 'PID {{pid}}',
      inbounds_one: '{{count}} входящий обработчик',
      inbounds_few: '{{count}} входящих обработчика',
      inbounds_many: '{{count}} входящих обработчиков',
      inbounds_other: '{{count}} входящего обработчика',
      resident: '{{size}} в памяти',
      openFiles: 'открытых файлов: {{count}}',
      openFilesOf: 'открытых файлов: {{count}} из {{limit}} допустимых',
    },
    problemLine: '{{server}}: {{problem}}',
    syncConfig: {
      firewallNothing: 'Брандмауэр: менять нечего.',
      firewallFixed_one: 'Брандмауэр: исправлен {{count}} порт.',
      firewallFixed_few: 'Брандмауэр: исправлено {{count}} порта.',
      firewallFixed_many: 'Брандмауэр: исправлено {{count}} портов.',
      firewallFixed_other: 'Брандмауэр: исправлено {{count}} порта.',
      xray: 'Xray: {{detail}}',
      xrayFailed: 'Xray: не удалось: {{detail}}',
      inSync: '{{server}} синхронизирован.',
      outOfSync: '{{server}} всё ещё рассинхронизирован: keyport server status {{server}} покажет, что осталось',
    },
    uninstalledKept: 'Агент удалён с {{server}}. Его данные (ключи, история трафика, ключ API) остались на сервере; --delete-data удаляет и их.',
    uninstalledDeleted: 'Агент и его данные удалены с {{server}}.',
    xrayInstalled: 'Xray {{version}} установлен в {{path}} на {{server}}.',
  },
  problem: {
    xrayMissing: 'Xray не установлен (нет {{path}}), поэтому ссылки ключей пока не работают: keyport server install-xray {{server}}',
    xrayDown: 'Xray установлен, но не запущен, поэтому ссылки ключей не работают: keyport server sync-config {{server}}',
    xrayDownWithError: 'Xray установлен, но не запущен ({{error}}), поэтому ссылки ключей не работают: keyport server sync-config {{server}}',
    apiUnreachable: 'Xray работает, но его API не отвечает, поэтому изменения ключей до него не доходят: keyport server sync-config {{server}}',
    apiUnreachableWithError: 'Xray работает, но его API не отвечает ({{error}}), поэтому изменения ключей до него не доходят: keyport server sync-config {{server}}',
    outOfSync: 'Xray расходится с ключами: обслуживается активных ключей {{served}} из {{expected}} ({{counts}}): keyport server sync-config {{server}}',
    outOfSyncMissing: 'не хватает: {{count}}',
    outOfSyncExtra: 'не от активного ключа: {{count}}',
    outOfSyncChanged: 'изменено: {{count}}',
    outOfSyncFile: 'его файл конфигурации отличается',
    firewallOutOfSync: 'правила брандмауэра не соответствуют ключам (учёт или блокировка): keyport server sync-config {{server}}',
    keysNotServing_one: '{{count}} активный ключ не обслуживается Xray: {{keys}}: keyport server sync-config {{server}}',
    keysNotServing_few: '{{count}} активных ключа не обслуживаются Xray: {{keys}}: keyport server sync-config {{server}}',
    keysNotServing_many: '{{count}} активных ключей не обслуживаются Xray: {{keys}}: keyport server sync-config {{server}}',
    keysNotServing_other: '{{count}} активного ключа не обслуживаются Xray: {{keys}}: keyport server sync-config {{server}}',
    keyNotServing: '{{name}} ({{reason}})',
    xrayDuplicate:
      'рядом с Xray агента эту конфигурацию обслуживает ещё один Xray (PID {{pids}}), поэтому подключения делятся между ними, а отключённые ключи там могут продолжать работать: keyport server sync-config {{server}}',
    routingDiffers: 'маршрутизация Xray отличается от той, что пишет агент: keyport server sync-config {{server}}',
    routingExposed: 'конфигурация Xray больше не отгораживает пользователей VPN от сервера и его частных сетей: keyport server sync-config {{server}}',
    versionUnsupported: 'Xray {{version}}: {{reason}}: keyport server install-xray {{server}}',
    unknownVersion: '(версия неизвестна)',
    portAnswers: 'порт {{port}} на {{host}} отвечает отсюда (ключ {{key}}): его ссылки подключатся.',
    portUnreachable: 'порт {{port}} недоступен отсюда: откройте {{range}} в брандмауэре провайдера (подключение к {{host}}:{{port}}: {{failure}})',
    portRange: '{{from}}-{{to}}/tcp',
    portRangeUnknown: '{{port}}/tcp и остальной диапазон портов ключей',
    failure: {
      timeout: 'нет ответа, пакеты отбрасываются',
      refused: 'отказано',
      unreachable: 'нет маршрута до хоста',
      'no-address': 'имя не разрешается',
      other: 'не удалось',
    },
  },
  traffic: {
    column: {
      rx: 'RX',
      tx: 'TX',
      total: 'ВСЕГО',
      name: 'ИМЯ',
      port: 'ПОРТ',
      active: 'АКТИВЕН',
      openNow: 'ОТКРЫТО СЕЙЧАС',
      rate: 'СКОРОСТЬ',
      opened: 'ОТКРЫТО',
      atOnce: 'ОДНОВРЕМЕННО',
      atOnceSum: 'ОДНОВРЕМЕННО (СУММА)',
      lastActivity: 'ПОСЛЕДНЯЯ АКТИВНОСТЬ',
      date: 'ДАТА (UTC)',
      activeKeys: 'АКТИВНЫХ КЛЮЧЕЙ',
    },
    rate: '{{size}}/с',
    bytes: 'rx {{rx}}, tx {{tx}}, всего {{total}}',
    deletedKey: '(удалённый ключ {{id}})',
    liveTotal_one: 'Всего: {{total}}, сейчас {{count}} соединение (замер {{time}}).',
    liveTotal_few: 'Всего: {{total}}, сейчас {{count}} соединения (замер {{time}}).',
    liveTotal_many: 'Всего: {{total}}, сейчас {{count}} соединений (замер {{time}}).',
    liveTotal_other: 'Всего: {{total}}, сейчас {{count}} соединения (замер {{time}}).',
    historyTotal_one: '{{count}} ключ (активных: {{active}}): {{bytes}}.',
    historyTotal_few: '{{count}} ключа (активных: {{active}}): {{bytes}}.',
    historyTotal_many: '{{count}} ключей (активных: {{active}}): {{bytes}}.',
    historyTotal_other: '{{count}} ключа (активных: {{active}}): {{bytes}}.',
    keyHistory_one: '{{name}} (id {{id}}, порт {{port}}): {{bytes}}, открыто {{count}} соединение; последняя активность: {{last}}.',
    keyHistory_few: '{{name}} (id {{id}}, порт {{port}}): {{bytes}}, открыто {{count}} соединения; последняя активность: {{last}}.',
    keyHistory_many: '{{name}} (id {{id}}, порт {{port}}): {{bytes}}, открыто {{count}} соединений; последняя активность: {{last}}.',
    keyHistory_other: '{{name}} (id {{id}}, порт {{port}}): {{bytes}}, открыто {{count}} соединения; последняя активность: {{last}}.',
    dailyByKey_one: '{{date}} (UTC): {{count}} ключ передавал данные или открывал соединения.',
    dailyByKey_few: '{{date}} (UTC): {{count}} ключа передавали данные или открывали соединения.',
    dailyByKey_many: '{{date}} (UTC): {{count}} ключей передавали данные или открывали соединения.',
    dailyByKey_other: '{{date}} (UTC): {{count}} ключа передавали данные или открывали соединения.',
    monthlyTotal_one: '{{month}}: {{keys}} (активных: {{active}}), {{bytes}}, открыто {{count}} соединение.',
    monthlyTotal_few: '{{month}}: {{keys}} (активных: {{active}}), {{bytes}}, открыто {{count}} соединения.',
    monthlyTotal_many: '{{month}}: {{keys}} (активных: {{active}}), {{bytes}}, открыто {{count}} соединений.',
    monthlyTotal_other: '{{month}}: {{keys}} (активных: {{active}}), {{bytes}}, открыто {{count}} соединения.',
    monthlyKeys_one: '{{count}} ключ',
    monthlyKeys_few: '{{count}} ключа',
    monthlyKeys_many: '{{count}} ключей',
    monthlyKeys_other: '{{count}} ключа',
    keyMonthly_one: '{{name}} (id {{id}}, порт {{port}}) за {{month}}: {{bytes}}, открыто {{count}} соединение, одновременно не больше {{atOnce}}.',
    keyMonthly_few: '{{name}} (id {{id}}, порт {{port}}) за {{month}}: {{bytes}}, открыто {{count}} соединения, одновременно не больше {{atOnce}}.',
    keyMonthly_many: '{{name}} (id {{id}}, порт {{port}}) за {{month}}: {{bytes}}, открыто {{count}} соединений, одновременно не больше {{atOnce}}.',
    keyMonthly_other: '{{name}} (id {{id}}, порт {{port}}) за {{month}}: {{bytes}}, открыто {{count}} соединения, одновременно не больше {{atOnce}}.',
  },
  people: {
    column: {
      name: 'ИМЯ',
      uuid: 'UUID',
      servers: 'СЕРВЕРЫ',
      used: 'РАСХОД',
      month: 'МЕСЯЦ',
      subscription: 'ПОДПИСКА',
      server: 'СЕРВЕР',
      key: 'КЛЮЧ',
      status: 'СТАТУС',
      usage: 'КВОТА',
      expires: 'ИСТЕКАЕТ',
      synced: 'ДАННЫЕ',
    },
    serverStatus: '{{server}} ({{status}})',
    syncedNow: 'сейчас',
    syncedCache: '{{time}} (кэш)',
    outcomeDone: '  {{server}}: {{what}}',
    outcomeFailed: '  {{server}}: НЕ УДАЛОСЬ {{what}}: {{message}} ({{code}})',
    pending: '  {{server}}: {{name}} (ключ {{id}}) будет отключён после {{time}}',
    graceOver: 'Отсрочка истекла:',
    noneYet: 'Людей пока нет: keyport people add NAME SERVER...',
    fromCache: '(* из кэша: этот сервер не в сети)',
    toBeDisabled: 'Будут отключены:',
    unavailable: '{{server}}: {{message}}',
    detail: '{{name}} (uuid {{uuid}}): {{used}} израсходовано в периодах квот, {{month}} в этом месяце',
    subscription: 'Подписка: {{url}}',
    everySubscription: 'Все ссылки подписки:',
    linkLine: '  {{server}}: {{url}}',
    noSubscriptions: '  нет: ни один из их серверов не раздаёт подписки',
    links: 'Ссылки:',
    notReadYet: '(ещё не прочитана: сервер не в сети)',
    added: 'Ключи {{name}} созданы на {{servers}}:',
    removed: 'Ключи {{person}} удалены:',
    serverAdded: 'Для {{person}} создан ключ на {{server}}:',
    serverRemoved: 'Ключ {{person}} на {{server}} удалён:',
    moving_one: 'Переносим {{count}} человека с {{from}} на {{to}}: новых ключей там {{created}}, уже было {{present}}.',
    moving_few: 'Переносим {{count}} человек с {{from}} на {{to}}: новых ключей там {{created}}, уже было {{present}}.',
    moving_many: 'Переносим {{count}} человек с {{from}} на {{to}}: новых ключей там {{created}}, уже было {{present}}.',
    moving_other: 'Переносим {{count}} человека с {{from}} на {{to}}: новых ключей там {{created}}, уже было {{present}}.',
    toBeDisabledOn: 'Будут отключены на {{server}} (первой командой keyport people после этого срока):',
    pushed: 'Ссылки {{person}} разосланы по всем серверам с их ключами:',
    rotated: 'У {{person}} новая ссылка подписки (старая теперь отвечает 404):',
  },
  deploy: {
    deployed: 'Агент {{version}} (выпуск {{release}}) установлен на {{server}}: {{os}} {{arch}}, {{init}}; среда Node {{runtime}}.',
    deployedSudo: 'Агент {{version}} (выпуск {{release}}) установлен на {{server}}: {{os}} {{arch}}, {{init}} через sudo; среда Node {{runtime}}.',
    runtimeUploaded: 'загружена',
    runtimeThere: 'уже была там',
    rolledBack: 'новый выпуск не запустился на {{server}}; возвращён предыдущий выпуск',
    todoKeyPorts: 'порты ключей {{server}} не ответят, пока на сервере не выполнят от root ({{found}}):',
    todoSubscriptionPort: 'порт подписок {{server}} не ответит, пока на сервере не выполнят от root ({{found}}):',
    subscriptions: 'Подписки: {{url}}/sub/TOKEN по {{over}}; у каждого ключа своя subscription_url (keyport people list показывает по одной на человека).',
    https: 'HTTPS (сертификат действует до {{until}})',
    plainHttp: 'обычному HTTP',
    plainHttpWarning:
      'подписки на {{server}} идут по обычному HTTP: любой на пути видит каждый запрос, токен и каждую ссылку с её uuid; для HTTPS укажите --subscription-tls-cert FILE --subscription-tls-key FILE',
  },
  reality: {
    target: 'Цель',
    serverNames: 'Имена серверов',
    fingerprint: 'Отпечаток',
    names: '{{names}} (в ссылках sni={{first}})',
    applied: 'Передано в Xray ({{method}}): {{detail}}.',
    sniChanged: 'Ссылки ключей теперь несут sni={{name}}: раздайте их новые ссылки или QR-коды.',
    check: { ok: 'ок', warn: 'внимание', fail: 'ОШИБКА' },
    failed_one: 'не пройдена {{count}} проверка',
    failed_few: 'не пройдены {{count}} проверки',
    failed_many: 'не пройдено {{count}} проверок',
    failed_other: 'не пройдено {{count}} проверки',
    warned_one: 'годится, с {{count}} предупреждением',
    warned_few: 'годится, с {{count}} предупреждениями',
    warned_many: 'годится, с {{count}} предупреждениями',
    warned_other: 'годится, с {{count}} предупреждения',
    passed: 'все проверки пройдены',
    verdict: 'Цель Reality {{target}}: {{verdict}}',
  },
  settings: {
    method: { api: 'через API', restart: 'перезапуском', start: 'запуском', none: 'без изменений' },
    privateDestinations: 'Частные адреса',
    accessLog: 'Журнал доступа',
    reality: 'Reality',
    privateAllowed: 'РАЗРЕШЕНЫ: пользователи VPN могут обращаться к самому серверу и его частным сетям',
    privateBlocked: 'закрыты: пользователи VPN выходят в интернет, но не на этот сервер и не в его частные сети',
    accessOn: 'вкл.: Xray записывает каждое подключение (IP клиента, адрес назначения, ключ), ротация по 10 MiB',
    accessOff: 'выкл.: кто и куда подключался, не записывается',
    realityValue: '{{target}}, имена серверов {{names}} (см. keyport server reality)',
    restarted: 'Применено: Xray перезапущен один раз (маршрутизацию и журнал нельзя изменить на ходу), открытые соединения прервались.',
    took: 'Применено: Xray принял изменение ({{method}}).',
    noChange: 'Сохранено; Xray менять ничего не нужно.',
    notYet: 'Сохранено, но Xray ещё не принял изменение: {{detail}}',
  },
  backup: {
    wrote_one: 'Резервная копия {{server}} записана в {{file}} ({{count}} байт, зашифрована парольной фразой).',
    wrote_few: 'Резервная копия {{server}} записана в {{file}} ({{count}} байта, зашифрована парольной фразой).',
    wrote_many: 'Резервная копия {{server}} записана в {{file}} ({{count}} байт, зашифрована парольной фразой).',
    wrote_other: 'Резервная копия {{server}} записана в {{file}} ({{count}} байта, зашифрована парольной фразой).',
    wroteDaily_one: 'Ежедневная резервная копия {{daily}} сервера {{server}} записана в {{file}} ({{count}} байт, зашифрована парольной фразой).',
    wroteDaily_few: 'Ежедневная резервная копия {{daily}} сервера {{server}} записана в {{file}} ({{count}} байта, зашифрована парольной фразой).',
    wroteDaily_many: 'Ежедневная резервная копия {{daily}} сервера {{server}} записана в {{file}} ({{count}} байт, зашифрована парольной фразой).',
    wroteDaily_other: 'Ежедневная резервная копия {{daily}} сервера {{server}} записана в {{file}} ({{count}} байта, зашифрована парольной фразой).',
    sent: '{{sent}} из {{total}}',
    sentTo: '{{sent}} из {{total}} отправлено на {{server}}',
    reconnecting: 'Связь с {{server}} прервалась ({{reason}}); {{sent}} уже там и сохранены. Новая попытка через {{seconds}} с ({{attempt}} из {{attempts}}).',
    restoring: 'Восстанавливаем на {{server}}...',
    restored: 'На {{server}} восстановлено ключей: {{keys}}, дней истории: {{days}}.',
    portsMoved: 'Ключей с другим портом: {{count}} (их порт был занят или вне диапазона этого сервера): их ссылки изменились.',
    xrayNotYet: 'Xray ещё не принял восстановленные ключи ({{detail}}): keyport server sync-config {{server}}',
    noDaily: 'У {{server}} пока нет ежедневных резервных копий.',
    column: { key: 'КЛЮЧ', id: 'ID', oldPort: 'СТАРЫЙ ПОРТ', newPort: 'НОВЫЙ ПОРТ', name: 'ИМЯ', taken: 'СНЯТА', bytes: 'БАЙТ' },
  },
  tunnel: {
    url: 'Адрес:',
    apiKey: 'Ключ API:',
    example: 'Пример:',
    open: 'Туннель к агенту {{server}} открыт; Ctrl-C закрывает его.',
  },
  webConsole: {
    open: 'Консоль Keyport открыта по адресу выше (в нём её токен доступа); Ctrl-C останавливает её.',
  },
  ask: {
    hostKey: 'Ключ хоста {{label}}: {{type}} {{fingerprint}}',
    hostKeyServer: '{{server}} ({{where}})',
    hostKeyJump: 'промежуточного хоста {{endpoint}}',
    acceptAndAdd: 'Принять и добавить? [y/N] ',
    alias: 'псевдоним {{alias}}',
    sshPassword: 'Пароль SSH для {{server}} ({{where}}): ',
    passphrase: { backup: 'Парольная фраза резервной копии: ', export: 'Парольная фраза экспорта: ' },
    passphraseAgain: 'Та же парольная фраза ещё раз: ',
  },
  consoleExport: {
    wrote: 'Записан {{file}} ({{size}} Б, права 0600): {{servers}}, {{pins}}, {{pending}}.',
    servers_one: '{{count}} сервер',
    servers_few: '{{count}} сервера',
    servers_many: '{{count}} серверов',
    servers_other: '{{count}} сервера',
    pins_one: '{{count}} доверенный ключ хоста',
    pins_few: '{{count}} доверенных ключа хоста',
    pins_many: '{{count}} доверенных ключей хоста',
    pins_other: '{{count}} доверенного ключа хоста',
    pending_one: '{{count}} отложенное отключение',
    pending_few: '{{count}} отложенных отключения',
    pending_many: '{{count}} отложенных отключений',
    pending_other: '{{count}} отложенного отключения',
    noSecretsStored: 'Без секретов: эта консоль не хранит паролей SSH и парольных фраз.',
    secretsLeftOut: 'Без секретов: сохранённый пароль SSH или парольная фраза {{servers}} не включены; на новом ноутбуке их спросят при первом подключении.',
    nothingToCarry: 'Переносить нечего: эта консоль не хранит паролей SSH и парольных фраз, поэтому парольная фраза не спрашивалась.',
    secrets: 'Секреты: пароль SSH или парольная фраза {{servers}}, зашифрованные парольной фразой.',
    notInFile:
      'Не входит в файл: кэш (ключи, история трафика, последние ответы) — он заполнится с серверов при первой синхронизации, — и ключи API агентов, которые Keyport никогда не хранит: он читает каждый со своего сервера по SSH при первом подключении.',
  },
  consoleImport: {
    imported: 'Импортирован {{file}}:',
    added: 'добавлен',
    replaced: 'заменил {{servers}} (--replace)',
    and: ' и ',
    skipped: 'пропущен: {{why}} (--replace ставит сервер из файла на его место)',
    otherNamed: 'в этой консоли есть другой сервер с именем {{existing}}',
    hasIt: 'он уже есть в этой консоли',
    hasItNamed: 'он уже есть в этой консоли под именем {{existing}}',
    pins: 'Доверенные ключи хостов: импортировано {{count}}.',
    pinsMerged: 'Доверенные ключи хостов: импортировано {{count}}; добавлены к {{merged}}.',
    conflict:
      '  {{server}} {{endpoint}}: оставлен {{kept}}; файл доверяет {{inFile}} (если ключ сервера изменился: keyport server trust {{server}} --accept-host-key KEY, после проверки на сервере)',
    pending: 'Отложенные отключения: импортировано {{count}}{{dropped}}{{forgotten}}.',
    pendingDropped: ', не включено {{count}} (их сервер пропущен)',
    pendingForgotten: ', {{count}} из этой консоли отброшено вместе с заменёнными серверами',
    secretsKept: 'Секреты SSH {{servers}} запечатаны связкой ключей ОС этой консоли.',
    secretsNotKept: 'Секреты SSH {{servers}} были в файле, но у этой консоли нет связки ключей ОС, чтобы их хранить: их спросят, когда понадобятся.',
    beforeLogin: 'Прежде чем входить отсюда:',
    agentKeys: 'Ключи API агентов читаются с каждого сервера по SSH при первом подключении; кэш заполнится при первой синхронизации (keyport server sync NAME или любое чтение).',
    need: {
      keyFileMissing: 'файла ключа {{path}} здесь нет: скопируйте его сюда со старого ноутбука',
      keyPassphrase: 'парольную фразу {{path}} спросят при первом подключении (или KEYPORT_SSH_SECRET)',
      password: 'пароль SSH спросят при первом подключении (или KEYPORT_SSH_SECRET)',
      sshAgent: 'входит через ssh-agent: загрузите туда его ключ (ssh-add)',
      sshAgentMissing: 'входит через ssh-agent, а SSH_AUTH_SOCK здесь не задан: запустите ssh-agent и загрузите его ключ (ssh-add)',
    },
  },
  usageError: {
    missing: 'не хватает {{names}}',
    unexpected: "лишний аргумент '{{argument}}'",
    port: "{{flag}} — это TCP-порт, 1-65535 (дано '{{text}}')",
    portRange: "{{flag}} — это FROM-TO, два TCP-порта (дано '{{text}}')",
    onOff: '{{flag}} принимает on или off, дано "{{text}}"',
    hostOrAlias: 'укажите либо --host, либо --alias',
    portWithHost: '--port идёт вместе с --host (у псевдонима свой порт)',
    oneAuth: 'укажите не больше одного из --key, --agent и --password-stdin',
    trustNeedsKey: 'укажите новый ключ в --accept-host-key SHA256:..., проверив его на сервере (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub)',
    linkHostBoth: 'укажите --link-host HOST или --no-link-host, не оба',
    serverSetNothing: 'укажите хотя бы одно из --link-host HOST, --no-link-host, --reality-target HOST:PORT, --server-names A,B, --key-ports FROM-TO',
    noSubscriptionsAlone: '--no-subscriptions выключает раздачу подписок: укажите его один, без --subscriptions и флагов TLS',
    tlsNeedsSubscriptions: 'флаги TLS подписок идут вместе с --subscriptions PORT',
    tlsBoth: 'укажите и --subscription-tls-cert FILE, и --subscription-tls-key FILE (HTTPS), или ни одного',
    tlsFiles: '--subscription-tls-cert и --subscription-tls-key требуют по файлу',
    plainNoCert: '--no-subscription-tls раздаёт по обычному HTTP: укажите его без сертификата и ключа',
    createManySource: "лишний аргумент '{{argument}}': имена берутся из --from FILE или - (stdin)",
    createManyNames: 'укажите имена в --from FILE или - , чтобы прочитать их из stdin',
    pngOrSvg: 'укажите --png или --svg, не оба',
    enableOrDisable: 'укажите --enable или --disable, не оба',
    keysSetNothing: 'укажите, что изменить: --name, --limit, --reset, --expires, --note, --enable или --disable',
    status: "--status принимает {{statuses}}, или несколько через запятую (дано '{{text}}')",
    expiring: "--expiring — это срок от текущего момента, например 7d, 2w или 12h (дано '{{text}}')",
    over: "--over — это доля квоты, например 80% (дано '{{text}}')",
    sort: "--sort принимает {{sorts}} (дано '{{text}}')",
    notASize:
      "{{flag}} — это размер, например 50GiB, 500MiB или 1.5TiB (по 1024, как Keyport показывает размеры; 50GB означает то же), число байт или none (дано '{{text}}')",
    unknownUnit: "{{flag}} '{{text}}': единица — B, KiB, MiB, GiB, TiB или PiB (по 1024; KB, MB, GB, TB, PB означают то же)",
    tooLarge: "{{flag}} '{{text}}' больше самой большой квоты, 8 PiB",
    reset: "--reset — одно из {{periods}} (дано '{{text}}')",
    notADate: "{{flag}} — это день (2027-03-01, то есть 00:00 UTC), время UTC (2027-03-01T18:00), срок от текущего момента (+30d, +2w, +12h) или never (дано '{{text}}')",
    noSuchDate: "{{flag}} '{{text}}' — таких даты и времени не существует",
    date: "DATE — это календарная дата, YYYY-MM-DD (дано '{{text}}')",
    month: "--month — это YYYY-MM, например 2025-08 (дано '{{text}}')",
    missingName: 'не хватает NAME',
    missingServers: 'не хватает SERVER (одного или нескольких)',
    peopleServersAction: "people servers принимает add или remove (дано '{{action}}')",
    moveFromTo: 'укажите --from SERVER и --to SERVER',
    moveWho: 'укажите --all или тех, кого переносить, — одно из двух',
    moveDisableBoth: 'укажите --disable-after или --disable-now, не оба',
    grace: "--disable-after — это отсрочка, например 7d, 2w, 12h или 30m (дано '{{text}}')",
  },
  report: {
    withSummary: '{{summary}}: {{message}}',
    summary: {
      'bad-input': 'отклонено',
      'not-found': 'не найдено',
      'server-offline': 'сервер не отвечает',
      'host-key-unknown': 'ключ хоста ещё не принят',
      'host-key-changed': 'ключ хоста изменился',
      'auth-failed': 'вход отклонён',
      'sudo-password-required': 'sudo просит пароль',
      'secret-required': 'нужен пароль или парольная фраза',
      'agent-not-deployed': 'агент Keyport не установлен',
      'agent-error': 'агент не смог это выполнить',
      'deploy-failed': 'установка не удалась',
      'deploy-locked': 'блокировку сервера держит другая установка или удаление',
      'unsupported-server': 'Keyport не может работать с этим сервером',
      'name-taken': 'имя занято',
      'backup-passphrase-wrong': 'неверная парольная фраза резервной копии',
      'backup-damaged': 'файл резервной копии повреждён',
      'server-not-fresh': 'на сервере уже есть ключи',
      'uuid-taken': 'uuid занят',
      'server-disk-full': 'диск сервера заполнен',
      'export-damaged': 'файл экспорта повреждён',
      'export-passphrase-wrong': 'неверная фраза для экспорта',
      'export-version-unsupported': 'экспорт более нового формата',
      'certificate-refused': 'сертификат или ключ отклонён',
      'key-ports-exclude-keys': 'новый диапазон портов не включает порты существующих ключей',
      'ssh-alias-unknown': 'нет такого псевдонима SSH',
      'ssh-key-unusable': 'файл ключа SSH нельзя использовать',
      internal: 'сбой в Keyport',
      unexpected: 'ошибка',
    },
    hint: {
      missingHost: 'укажите --host HOST или --alias HOSTALIAS',
      missingCredentials: 'укажите --key FILE, --agent (с запущенным ssh-agent) или --password-stdin',
      localPort: 'выберите другой через --port',
      limitCell: 'исправьте ячейку "{{column}}" этой строки или {{flag}}, если значение пришло оттуда',
      limitFlag: 'укажите другое значение {{flag}}',
      serverOffline: 'сервер не в сети: чтение идёт из локального кэша; для изменений нужен сервер',
      deploy: 'установить его: keyport server deploy {{server}}',
      trust: 'когда проверите его на сервере: keyport server trust {{server}} --accept-host-key {{fingerprint}}',
      serverList: 'список серверов: keyport server list',
      breakLock: 'если там больше не идёт установка или удаление (скажем, тот ноутбук отключился): keyport server {{command}} {{server}} --break-lock',
      secretsElsewhere: 'экспортируйте без --with-secrets: новый ноутбук спросит их при первом подключении',
      exportDamaged: 'экспортируйте заново на старом ноутбуке (keyport export FILE) и скопируйте файл целиком',
      exportVersion: 'его записала более новая версия Keyport: обновите эту, чтобы импортировать его',
      diskFull: 'освободите место на этом диске сервера и запустите снова',
      notFresh: 'копия восстанавливается на сервер без ключей: только что установленный или этот, когда его ключи удалены',
      nameTaken: 'у двух ключей на сервере не может быть одного имени ни в каком регистре: выберите другое имя',
      nameTakenRename:
        'у двух ключей на сервере не может быть одного имени ни в каком регистре: выберите другое имя или сначала переименуйте другой ключ: keyport keys rename {{server}} {{holder}} NEWNAME',
      uuidTaken: 'у человека один ключ на сервер, и на этом сервере его ключ уже есть',
      aliasUnknown: 'добавьте в {{configPath}} блок "Host {{alias}}" с его HostName или укажите адрес через --host HOST вместо --alias',
      key: {
        missing: 'проверьте путь или добавьте сервер с --key FILE, указав ключ, который на месте',
        unreadable: 'сделайте его доступным вам для чтения (chmod 600 FILE, владелец — вы)',
        'not-a-private-key': 'укажите закрытый ключ — файл без .pub (например, ~/.ssh/id_ed25519)',
        'passphrase-needed': 'укажите его парольную фразу: в терминале, когда спросят, или в KEYPORT_SSH_SECRET',
        'passphrase-wrong': 'укажите парольную фразу именно этого ключа: в терминале, когда спросят, или в KEYPORT_SSH_SECRET',
      },
      uuidTakenShow: 'у человека один ключ на сервер, и на этом сервере его ключ уже есть: его покажет keyport people show {{person}}',
      keyPortsHoldKeys: 'диапазон, в который входят все ключи: keyport server set {{server}} --key-ports {{from}}-{{to}}',
    },
  },
} as const satisfies MessagesLike<typeof en, 'one' | 'few' | 'many' | 'other'>;
